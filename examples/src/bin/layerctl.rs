//! The operator CLI for a layer-auth key store. See `layerctl --help`, and
//! `layer_examples::layerctl` for how each command works.

use std::process::ExitCode;

use clap::Parser;
use layer_examples::layerctl::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One command, one thread: a current-thread runtime is all the store's calls need.
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(layerctl::run(cli)),
        Err(error) => {
            eprintln!("layerctl: cannot start the async runtime: {error}");
            ExitCode::from(2)
        }
    }
}
