//! Answers of the model worked out once per distinct policy document: an account deploys one
//! template to many roles, and every answer depends on the document alone, so a repeated one
//! costs a lookup. Bounded: past the cap it starts afresh, which changes the cost, never an
//! answer.

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug)]
pub struct Memo<V> {
    done: Mutex<HashMap<String, V>>,
    cap: usize,
}

impl<V: Clone> Memo<V> {
    /// At most `cap` answers kept.
    pub fn new(cap: usize) -> Self {
        Memo {
            done: Mutex::new(HashMap::new()),
            cap,
        }
    }

    /// The answer for `key` (a document's canonical JSON), working it out with `work` when it
    /// is new. Two threads may both work out a new one; both get the same answer.
    pub fn get_or(&self, key: String, work: impl FnOnce() -> V) -> V {
        if let Some(hit) = self.done.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let fresh = work();
        if let Ok(mut m) = self.done.lock() {
            if m.len() >= self.cap {
                m.clear();
            }
            m.insert(key, fresh.clone());
        }
        fresh
    }
}
