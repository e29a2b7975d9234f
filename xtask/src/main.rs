//! `cargo xtask <command>`: the project's build, test and benchmark entry points.
//!
//! Plain std Rust on purpose: it compiles in seconds on every fresh clone.
//!
//! - `serve`: ensure the web tools, then `trunk serve --release` on 127.0.0.1.
//! - `package`: ensure wasm-pack and npm's wasm-opt, then build the npm package into `pkg/`.
//! - `test`:  ensure every tool, run every suite, end with one line of totals.
//! - `bench`: native vs wasm milliseconds per epoch on seed 002, as one JSON line.
//! - `smoke`: build the release site and load it in headless Chromium (part of `test`).
//! - `ensure`: only install what is missing.

mod bench;
mod cmd;
mod ensure;
mod lock;
mod package;
mod probes;
mod scaling;
mod serve;
mod site;
mod smoke;
mod static_server;
mod strays;
mod tally;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  serve [trunk args]     build the explorer (release) and serve it on http://127.0.0.1:8080/
  package [--out DIR]    build the npm package `dying-relu` into pkg/ (or DIR), as the tests check it
  test                   run every check and test suite; ends with `total: N passed, M failed`
  bench [--epochs N]     native vs wasm ms per epoch on seed 002, printed as one JSON line
  probes                 run the PyTorch/Keras probes on the constructed model (part of `test`)
  smoke [QUERY...]       build the release site and load it (plus each ?QUERY) in headless Chromium
  ensure                 install the tools the other commands need (only what is missing)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = cmd::root();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "serve" => serve::run(&root, rest),
        "package" => package::run(&root, rest),
        "test" => test::run(&root),
        "bench" => bench::run(&root, rest),
        "probes" => probes::run_command(&root),
        "smoke" => smoke::run_command(&root, rest),
        "ensure" => ensure::ensure(&root, ensure::Needs::ALL),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
