//! The `orgsim` binary: parse the command line, call the library, map errors to exit codes
//! (0 ok, 1 run failed, 2 bad input or usage).

use clap::Parser;

fn main() {
    let cli = match orgsim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            std::process::exit(code);
        }
    };
    if let Err(error) = orgsim::cli::execute(cli) {
        eprintln!("error: {error}");
        std::process::exit(error.exit_code());
    }
}
