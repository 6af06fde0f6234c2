//! The bridge against a model of what it promises, under random clock
//! periods and phases (ratios near 1 and far from it): every reading taken
//! while `ready` arrives in the core domain once, in order, with the right
//! count, last, minimum and maximum; every reading offered while not ready is
//! counted as dropped; nothing is left in flight once the sensor stops.
//! Verilator and rust-hdl's simulator run in lock-step (every output
//! compared after every edge). The seed is printed; a failing case leaves a
//! VCD trace with both clocks.

use kaizen::sim::{Bench, ClockSpec, Differential, RustHdlSim, Simulator, VerilatorModel};
use kaizen::testing::proptest::prelude::*;
use kaizen::testing::{property, traced_on_failure};
use sensor_bridge::{catalog, SensorBridge, READING_BITS};

const SENSOR: usize = 0;
const CORE: usize = 1;

#[derive(Clone, Debug)]
struct Case {
    sensor_ps: u64,
    core_ps: u64,
    sensor_phase: u64,
    core_phase: u64,
    /// A reading offered (or not) at each sensor clock.
    offers: Vec<Option<u16>>,
}

fn bench(case: &Case) -> Bench<impl Simulator> {
    let emitted = catalog()
        .unwrap()
        .find("sensor_bridge")
        .unwrap()
        .emit()
        .unwrap();
    let both = Differential::new(
        VerilatorModel::new(&emitted).unwrap_or_else(|e| panic!("{e}")),
        RustHdlSim::new(SensorBridge::default()).unwrap(),
    )
    .unwrap();
    let clocks = [
        ClockSpec::new("sensor_clock", case.sensor_ps, case.sensor_phase),
        ClockSpec::new("core_clock", case.core_ps, case.core_phase),
    ];
    Bench::with_clocks(both, &clocks).unwrap()
}

/// What the core domain must show: readings in the order they were taken.
#[derive(Default)]
struct Model {
    taken: Vec<u16>,
    dropped: u64,
    received: usize,
}

fn run<S: Simulator>(b: &mut Bench<S>, case: &Case) -> Result<(), String> {
    let e = |r: kaizen::sim::SimError| r.to_string();
    // Both resets over a few edges of each clock.
    b.set("sensor_reset", 1).map_err(e)?;
    b.set("core_reset", 1).map_err(e)?;
    while b.rises(SENSOR) < 3 || b.rises(CORE) < 3 {
        b.next_edge().map_err(e)?;
    }
    b.set("sensor_reset", 0).map_err(e)?;
    b.set("core_reset", 0).map_err(e)?;

    let mut m = Model::default();
    let mut offers = case.offers.iter();
    let mut offer = offers.next().copied().flatten();
    let set_offer = |b: &mut Bench<S>, o: Option<u16>| -> Result<(), String> {
        b.set("sample", u64::from(o.is_some())).map_err(e)?;
        b.set("reading", u64::from(o.unwrap_or(0))).map_err(e)
    };
    set_offer(b, offer)?;
    // Drain: after the last offer, the core clock runs long enough for a
    // handshake at the slowest ratio.
    let mut idle_core_edges = 0;
    loop {
        let ready = b.get("ready").map_err(e)? == 1;
        let edges = b.next_edge().map_err(e)?;
        if edges.rose(SENSOR) {
            match offer {
                Some(r) if ready => m.taken.push(r),
                Some(_) => m.dropped += 1,
                None => {}
            }
            let dropped = b.get("dropped").map_err(e)?;
            if dropped != m.dropped % (1 << 16) {
                return Err(format!(
                    "at {} ps: dropped = {dropped}, model {}",
                    b.time_ps(),
                    m.dropped
                ));
            }
            offer = offers.next().copied().flatten();
            set_offer(b, offer)?;
        }
        if edges.rose(CORE) {
            let received = b.get("received").map_err(e)? as usize;
            if received != m.received {
                if received != m.received + 1 || received > m.taken.len() {
                    return Err(format!(
                        "at {} ps: received went {} -> {received} with {} readings taken",
                        b.time_ps(),
                        m.received,
                        m.taken.len()
                    ));
                }
                m.received = received;
                let seen = &m.taken[..received];
                let want = (
                    u64::from(seen[received - 1]),
                    u64::from(*seen.iter().min().unwrap()),
                    u64::from(*seen.iter().max().unwrap()),
                );
                let got = (
                    b.get("last").map_err(e)?,
                    b.get("min").map_err(e)?,
                    b.get("max").map_err(e)?,
                );
                if got != want {
                    return Err(format!(
                        "at {} ps, reading #{received}: (last, min, max) = {got:?}, model {want:?}",
                        b.time_ps()
                    ));
                }
            }
            if offer.is_none() && offers.len() == 0 {
                idle_core_edges += 1;
            }
        }
        // Ten handshakes' worth of the slower clock, in core edges.
        let slow = case.sensor_ps.max(case.core_ps);
        if idle_core_edges > 10 * slow / case.core_ps + 20 {
            break;
        }
    }
    if m.received != m.taken.len() {
        return Err(format!(
            "{} readings taken, {} received after the sensor stopped",
            m.taken.len(),
            m.received
        ));
    }
    Ok(())
}

fn cases() -> impl Strategy<Value = Case> {
    let max = (1u16 << READING_BITS) - 1;
    (
        300u64..6000,
        300u64..6000,
        0u64..300,
        0u64..300,
        prop::collection::vec(prop::option::weighted(0.6, 0..=max), 1..80),
    )
        .prop_map(|(sensor_ps, core_ps, sp, cp, offers)| Case {
            sensor_ps,
            core_ps,
            sensor_phase: sp,
            core_phase: cp,
            offers,
        })
}

#[test]
fn readings_cross_in_order_and_drops_are_counted() {
    let vcd = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sensor_bridge.vcd");
    property("sensor_bridge", 48, cases(), |case| {
        traced_on_failure(&vcd, || bench(&case), |b| run(b, &case))
    });
}
