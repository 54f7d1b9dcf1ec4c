//! Helpers shared by the integration tests that run the example binaries.

use std::path::PathBuf;

/// The path of a built example: examples sit in `examples/`, next to the
/// `deps` folder that holds the test binary (`cargo test` builds them).
pub fn example(name: &str) -> PathBuf {
    let mut path = std::env::current_exe().expect("test binary path");
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    path.join("examples").join(name)
}
