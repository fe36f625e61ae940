//! The `rolecall` command. All argument handling and rendering lives in `cli/`; the engine is
//! the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
