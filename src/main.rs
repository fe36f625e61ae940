//! The `rolecall` command. All argument handling and rendering lives in `cli/`; the engine is
//! the library.

mod cli;

/// See `mimalloc` in Cargo.toml for why the binary does not use the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
