//! `wangge`: the host's command line (serve, plugin add, plugin list).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = wangge_host::cli::Cli::parse();
    wangge_host::logging::init(cli.log_format());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli.run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
