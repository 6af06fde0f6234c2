//! `kaizen macro`: SRAM macro abstracts (Liberty, LEF) and the behavioural
//! model for a shape, as the flow generates them for a block's macros.

use super::files::{create_dir, write_atomically};
use anyhow::anyhow;
use clap::Args;
use kaizen_flow::pdk::locate;
use kaizen_flow::sram::{model, write_abstracts};
use kaizen_hdl::primitives::SramShape;
use std::path::PathBuf;

#[derive(Args)]
pub struct MacroArgs {
    /// Shapes, `<words>x<bits>` (e.g. 256x128).
    #[arg(required = true)]
    shapes: Vec<String>,
    /// Where the files go.
    #[arg(long, default_value = "build/macros")]
    out: PathBuf,
}

pub fn run(args: MacroArgs) -> anyhow::Result<()> {
    let shapes = args
        .shapes
        .iter()
        .map(|s| SramShape::parse(s).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let pdk = locate(&kaizen_flow::kaizen_root(), None).map_err(anyhow::Error::msg)?;
    create_dir(&args.out)?;
    let t = model::timing();
    println!("{} ({})", pdk.config.name, pdk.config.caveat);
    println!(
        "every macro: min period {} ps, clock to read_data {} ps + {} ps/fF, setup {} ps, hold {} ps",
        t.min_period_ps,
        t.clock_to_q_ps,
        model::DRIVE_PS_PER_PF / 1000.0,
        t.setup_ps,
        t.hold_ps
    );
    for shape in shapes {
        let m = crate::flow::sram_macro(shape);
        let files = write_abstracts(&m, &pdk, &args.out).map_err(|e| anyhow!(e))?;
        let verilog = args.out.join(format!("{}.v", m.name));
        write_atomically(&verilog, shape.model_verilog().as_bytes())?;
        let p = model::physical(&m, &pdk.config.sram);
        println!(
            "{}: {} x {} um = {:.1} um2 ({:.1} Mb/mm2), array {} x {} (column mux {}); {}, {}, {}",
            m.name,
            p.width_um,
            p.height_um,
            p.area_um2(),
            m.capacity_bits() as f64 / p.area_um2(),
            p.rows,
            p.columns,
            p.column_mux,
            files.liberty.display(),
            files.lef.display(),
            verilog.display()
        );
    }
    Ok(())
}
