#[derive(clap::Args)]
pub struct BenchArgs {}
pub fn run(_a: BenchArgs) -> anyhow::Result<()> { Ok(()) }
