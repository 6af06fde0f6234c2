//! The `kaizen` command with this example's block: `kaizen` run in this
//! directory runs this binary (kaizen.toml says so).

fn main() -> std::process::ExitCode {
    match sensor_bridge::catalog() {
        Ok(catalog) => kaizen::main(catalog),
        // A block name taken twice, or not an identifier.
        Err(e) => {
            eprintln!("kaizen: error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
