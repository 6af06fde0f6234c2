//! The `kaizen` command with this example's block: `kaizen` run in this
//! directory runs this binary (kaizen.toml says so).

fn main() -> std::process::ExitCode {
    kaizen::main(sensor_bridge::catalog())
}
