//! The HBM device model and the parameter presets: every timing rule fires
//! one cycle early and stays quiet on time; data is kept and returned at
//! RL; refresh debt is enforced; bad presets name the broken rule.

use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::models::hbm::{Bank, Cmd, HbmDevice, Violation};

fn params() -> MemParams {
    MemParams::preset("hbm3-6400").unwrap()
}

const B0: Bank = Bank { group: 0, bank: 0 };
const B1: Bank = Bank { group: 0, bank: 1 }; // same group as B0
const G1: Bank = Bank { group: 1, bank: 0 }; // other group

fn wr(bank: Bank, col: u32, p: &MemParams, byte: u8) -> Cmd {
    let n = p.burst_bytes() as usize;
    Cmd::Wr {
        bank,
        col,
        data: vec![byte; n],
        mask: vec![true; n],
    }
}

/// Issues `cmds` at their cycles (NOP elsewhere) up to `until`; returns all
/// violations and the read bursts with the cycle each arrived.
fn run(p: &MemParams, cmds: Vec<(u64, Cmd)>, until: u64) -> (Vec<Violation>, Vec<(u64, Vec<u8>)>) {
    let mut dev = HbmDevice::new(p.clone());
    let mut cmds = cmds.into_iter().peekable();
    let (mut vs, mut reads) = (vec![], vec![]);
    for now in 0..until {
        let cmd = if cmds.peek().is_some_and(|(c, _)| *c == now) {
            cmds.next().map(|(_, c)| c)
        } else {
            None
        };
        let (data, v) = dev.clock(cmd);
        vs.extend(v);
        if let Some(d) = data {
            reads.push((now, d));
        }
    }
    (vs, reads)
}

/// `second` at `first_at + gap - 1` breaks `rule`; at `first_at + gap` it is legal.
fn rule_holds(
    p: &MemParams,
    setup: Vec<(u64, Cmd)>,
    second: Cmd,
    gap_from: u64,
    gap: u32,
    rule: &str,
) {
    let at = gap_from + u64::from(gap);
    let mut early = setup.clone();
    early.push((at - 1, second.clone()));
    let (v, _) = run(p, early, at + 10);
    assert!(
        v.iter().any(|x| x.rule.starts_with(rule)),
        "{rule}: not reported one cycle early; got {v:?}"
    );
    let mut ok = setup;
    ok.push((at, second));
    let (v, _) = run(p, ok, at + 10);
    assert!(v.is_empty(), "{rule}: legal timing reported as {v:?}");
}

#[test]
fn row_timing_rules() {
    let p = params();
    let t = p.timing.clone();
    let act = |b: Bank| Cmd::Act { bank: b, row: 5 };
    rule_holds(
        &p,
        vec![(0, act(B0))],
        Cmd::Rd { bank: B0, col: 0 },
        0,
        t.trcd_rd,
        "tRCD_RD",
    );
    rule_holds(
        &p,
        vec![(0, act(B0))],
        wr(B0, 0, &p, 1),
        0,
        t.trcd_wr,
        "tRCD_WR",
    );
    rule_holds(
        &p,
        vec![(0, act(B0))],
        Cmd::Pre { bank: B0 },
        0,
        t.tras,
        "tRAS",
    );
    let pre_at = u64::from(t.tras);
    rule_holds(
        &p,
        vec![(0, act(B0)), (pre_at, Cmd::Pre { bank: B0 })],
        act(B0),
        pre_at,
        t.trp,
        "tRP",
    );
    // tRC binds when tRAS + tRP is shorter than tRC: use a preset where it is.
    let mut q = p.clone();
    q.timing.trc = t.tras + t.trp + 5;
    rule_holds(
        &q,
        vec![(0, act(B0)), (pre_at, Cmd::Pre { bank: B0 })],
        act(B0),
        0,
        q.timing.trc,
        "tRC",
    );
    rule_holds(&p, vec![(0, act(B0))], act(B1), 0, t.trrd_l, "tRRD_L");
    rule_holds(&p, vec![(0, act(B0))], act(G1), 0, t.trrd_s, "tRRD_S");
    // tPPD (HBM3): PRE to PRE, whatever the banks.
    let opened = vec![(0, act(B0)), (u64::from(t.trrd_s), act(G1))];
    let first_pre = u64::from(t.tras + t.trrd_s);
    let mut setup = opened.clone();
    setup.push((first_pre, Cmd::Pre { bank: B0 }));
    rule_holds(&p, setup, Cmd::Pre { bank: G1 }, first_pre, t.tppd, "tPPD");
}

#[test]
fn four_activate_window() {
    let p = params();
    let t = &p.timing;
    let banks: Vec<Bank> = (0..5)
        .map(|i| Bank {
            group: i % 4,
            bank: i / 4,
        })
        .collect();
    let step = u64::from(t.trrd_l.max(t.trrd_s));
    let acts: Vec<(u64, Cmd)> = (0..4)
        .map(|i| {
            (
                i * step,
                Cmd::Act {
                    bank: banks[i as usize],
                    row: 1,
                },
            )
        })
        .collect();
    rule_holds(
        &p,
        acts,
        Cmd::Act {
            bank: banks[4],
            row: 1,
        },
        0,
        t.tfaw,
        "tFAW",
    );
}

#[test]
fn column_timing_rules() {
    let p = params();
    let t = p.timing.clone();
    let bl = u64::from(p.burst_cycles());
    let open = |at: u64| {
        vec![
            (0, Cmd::Act { bank: B0, row: 1 }),
            (u64::from(t.trrd_s), Cmd::Act { bank: G1, row: 1 }),
            (
                u64::from(t.trrd_s) + u64::from(t.trrd_l),
                Cmd::Act { bank: B1, row: 1 },
            ),
        ]
        .into_iter()
        .chain(std::iter::once((at, Cmd::Rd { bank: B0, col: 0 })))
        .collect::<Vec<_>>()
    };
    let c0 = 100;
    rule_holds(
        &p,
        open(c0),
        Cmd::Rd { bank: B1, col: 1 },
        c0,
        t.tccd_l,
        "tCCD_L",
    );
    rule_holds(
        &p,
        open(c0),
        Cmd::Rd { bank: G1, col: 1 },
        c0,
        t.tccd_s,
        "tCCD_S",
    );
    rule_holds(&p, open(c0), wr(G1, 1, &p, 7), c0, t.trtw, "tRTW");
    rule_holds(&p, open(c0), Cmd::Pre { bank: B0 }, c0, t.trtp, "tRTP");
    // Write to read: measured from the end of the write data.
    let mut w = open(0);
    w.pop();
    w.push((c0, wr(B0, 0, &p, 3)));
    let end = c0 + u64::from(t.wl) + bl;
    rule_holds(
        &p,
        w.clone(),
        Cmd::Rd { bank: B1, col: 0 },
        end,
        t.twtr_l,
        "tWTR_L",
    );
    rule_holds(
        &p,
        w.clone(),
        Cmd::Rd { bank: G1, col: 0 },
        end,
        t.twtr_s,
        "tWTR_S",
    );
    rule_holds(&p, w, Cmd::Pre { bank: B0 }, end, t.twr, "tWR");
}

#[test]
fn refresh_rules() {
    let p = params();
    let t = p.timing.clone();
    let pre = u64::from(t.tras);
    rule_holds(
        &p,
        vec![
            (0, Cmd::Act { bank: B0, row: 1 }),
            (pre, Cmd::Pre { bank: B0 }),
        ],
        Cmd::RefAll,
        pre,
        t.trp,
        "tRP: PRE to REFab",
    );
    rule_holds(
        &p,
        vec![(0, Cmd::RefAll)],
        Cmd::Act { bank: B0, row: 1 },
        0,
        t.trfcab,
        "tRFCab",
    );
    rule_holds(
        &p,
        vec![(0, Cmd::RefBank { bank: B0 })],
        Cmd::Act { bank: B0, row: 1 },
        0,
        t.trfcpb,
        "tRFCpb",
    );
    // Another bank may be used during a per-bank refresh, tRREFD after it
    // (HBM3), for an ACT and for the next per-bank refresh alike.
    assert!(t.trrefd < t.trfcpb);
    rule_holds(
        &p,
        vec![(0, Cmd::RefBank { bank: B0 })],
        Cmd::Act { bank: G1, row: 1 },
        0,
        t.trrefd,
        "tRREFD: REFpb to ACT",
    );
    rule_holds(
        &p,
        vec![(0, Cmd::RefBank { bank: B0 })],
        Cmd::RefBank { bank: B1 },
        0,
        t.trrefd,
        "tRREFD: REFpb to REFpb",
    );
    let (v, _) = run(
        &p,
        vec![
            (0, Cmd::Act { bank: B0, row: 1 }),
            (u64::from(t.tras), Cmd::RefAll),
        ],
        u64::from(t.tras) + 2,
    );
    assert!(
        v.iter()
            .any(|x| x.rule.starts_with("bank state: REFab with a bank open")),
        "{v:?}"
    );
}

#[test]
fn refresh_obligation() {
    let p = params();
    let trefi = u64::from(p.timing.trefi);
    let owed = u64::from(p.refresh.max_postponed) + 1;
    // Postponing the allowed number is fine ...
    let (v, _) = run(&p, vec![], trefi * owed + 1);
    assert!(v.is_empty(), "{v:?}");
    // ... one more interval without refresh is not.
    let (v, _) = run(&p, vec![], trefi * (owed + 1) + 1);
    assert!(
        v.iter()
            .any(|x| x.rule.starts_with("the refresh obligation")),
        "{v:?}"
    );
    // Refreshing every interval keeps the debt at zero.
    let refs: Vec<(u64, Cmd)> = (1..=owed + 2).map(|k| (k * trefi, Cmd::RefAll)).collect();
    let (v, _) = run(&p, refs, trefi * (owed + 2) + 1);
    assert!(v.is_empty(), "{v:?}");
}

#[test]
fn data_is_kept_and_returned_at_read_latency() {
    let p = params();
    let t = p.timing.clone();
    let n = p.burst_bytes() as usize;
    let bl = u64::from(p.burst_cycles());
    let dev = HbmDevice::new(p.clone());
    let initial = dev.initial_pattern(B0, 9, 3);
    let mask: Vec<bool> = (0..n).map(|i| i % 3 != 0).collect();
    let data: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37)).collect();
    let w_at = u64::from(t.trcd_wr);
    let r_at = w_at + u64::from(t.wl) + bl + u64::from(t.twtr_l);
    let cmds = vec![
        (0, Cmd::Act { bank: B0, row: 9 }),
        (
            w_at,
            Cmd::Wr {
                bank: B0,
                col: 3,
                data: data.clone(),
                mask: mask.clone(),
            },
        ),
        (r_at, Cmd::Rd { bank: B0, col: 3 }),
        (r_at + u64::from(t.tccd_l), Cmd::Rd { bank: B0, col: 4 }),
    ];
    let (v, reads) = run(&p, cmds, r_at + 100);
    assert!(v.is_empty(), "{v:?}");
    let want: Vec<u8> = (0..n)
        .map(|i| if mask[i] { data[i] } else { initial[i] })
        .collect();
    assert_eq!(
        reads[0],
        (r_at + u64::from(t.rl) + bl - 1, want),
        "merged write, at RL"
    );
    assert_eq!(
        reads[1].1,
        dev.initial_pattern(B0, 9, 4),
        "unwritten column reads its initial pattern"
    );
    assert_ne!(
        dev.initial_pattern(B0, 9, 4),
        dev.initial_pattern(B1, 9, 4),
        "patterns differ by address"
    );
}

#[test]
fn state_and_data_bus_rules() {
    let p = params();
    let (v, _) = run(&p, vec![(0, Cmd::Rd { bank: B0, col: 0 })], 5);
    assert!(
        v.iter().any(|x| x
            .rule
            .starts_with("bank state: column command to a closed bank")),
        "{v:?}"
    );
    let (v, _) = run(
        &p,
        vec![
            (0, Cmd::Act { bank: B0, row: 1 }),
            (200, Cmd::Act { bank: B0, row: 2 }),
        ],
        205,
    );
    assert!(
        v.iter().any(|x| x
            .rule
            .starts_with("bank state: ACT to a bank with an open row")),
        "{v:?}"
    );
    let (v, _) = run(
        &p,
        vec![(
            0,
            Cmd::Act {
                bank: Bank { group: 9, bank: 0 },
                row: 1,
            },
        )],
        5,
    );
    assert!(v.iter().any(|x| x.rule.starts_with("geometry")), "{v:?}");
    let msg = v[0].to_string();
    assert!(
        msg.starts_with("cycle 0: ACT to BG9 B0 breaks geometry"),
        "{msg}"
    );
}

#[test]
fn preset_rules_name_what_is_wrong() {
    let text = include_str!("../hdl/presets/hbm3_6400.toml");
    let bad =
        |from: &str, to: &str| MemParams::parse("t.toml", &text.replacen(from, to, 1)).unwrap_err();
    assert!(bad("trc = 78", "trc = 70").contains("tRC (70) < tRAS + tRP (55 + 23)"));
    assert!(bad("tccd_s = 2", "tccd_s = 1").contains("tCCD_S (1) < burst length in CK (2)"));
    assert!(bad("rows = 16384", "rows = 10000")
        .contains("geometry.rows = 10000 must be a power of two"));
    assert!(bad("trefi = 6240", "trefi = 400").contains("tREFI (400) <= tRFCab (416)"));
    assert!(bad("tfaw = 48", "tfaw = 48\ntfoo = 1").contains("unknown field `tfoo`"));
    assert!(bad("max_postponed = 8", "max_postponed = 9").contains("max_postponed = 9 exceeds"));
    assert!(MemParams::preset("hbm2")
        .unwrap_err()
        .contains("known: hbm3-6400"));
    let p = params();
    assert_eq!((p.burst_cycles(), p.burst_bytes(), p.banks()), (2, 32, 16));
    assert!((p.peak_gbps() - 25.6).abs() < 1e-9);
}
