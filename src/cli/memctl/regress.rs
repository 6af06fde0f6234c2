//! `kaizen regress memctl`: stress traffic through the RTL controller under
//! each policy, against the HBM device model, in cases of
//! `--case-requests` requests; with `--mutant` against a controller built
//! with one timing rule a cycle short (it must fail), and with `--teeth`
//! every such mutant, each of which a test must catch.

use crate::cli::regress::{Regression, Teeth};
use anyhow::bail;
use kaizen_hdl::catalog;
use kaizen_hdl::memctl::config::{ControllerConfig, PagePolicy, RefreshMode};
use kaizen_hdl::memctl::mapping::MapScheme;
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::bench::Bench;
use kaizen_sim::memctl;
use kaizen_sim::memctl::bench::{verilator_bench, BenchOptions};
use kaizen_sim::memctl::regress::{mutants, stress, teeth_traces};
use kaizen_sim::regression::{case_seed, CaseResult};
use kaizen_sim::verilator::VerilatorModel;
use std::collections::BTreeMap;
use std::time::Instant;

/// The policies every chunk of traffic runs under, in case order.
fn policies() -> [(&'static str, ControllerConfig); 2] {
    [
        (
            "default (bg-interleaved, open page, all-bank refresh)",
            ControllerConfig::default(),
        ),
        (
            "row-bank-bg-col, closed page, per-bank refresh",
            ControllerConfig {
                map: MapScheme::RowBankGroupColumn,
                page: PagePolicy::Closed,
                refresh: RefreshMode::PerBank,
                ..ControllerConfig::default()
            },
        ),
    ]
}

pub struct MemctlRegression {
    requests: u64,
    case_requests: u64,
    seed: u64,
    mutant: Option<String>,
    /// What the device model checks against, and what the RTL is built with.
    device: MemParams,
    controller: MemParams,
    benches: Vec<Option<Bench<VerilatorModel>>>,
}

impl MemctlRegression {
    pub fn new(
        requests: u64,
        case_requests: u64,
        seed: u64,
        mutant: Option<String>,
    ) -> anyhow::Result<Self> {
        if requests == 0 || case_requests == 0 {
            bail!("--requests and --case-requests must be at least 1");
        }
        let p = MemParams::preset(catalog::MEMCTL_PRESET).map_err(anyhow::Error::msg)?;
        let (device, controller) = match &mutant {
            None => (p.clone(), p),
            Some(name) => {
                let all = mutants(&p);
                let rule = |m: &str| m.split_whitespace().next().unwrap_or("").to_lowercase();
                let Some(m) = all
                    .into_iter()
                    .find(|m| rule(&m.name) == name.to_lowercase())
                else {
                    let names: Vec<String> = mutants(&p).iter().map(|m| rule(&m.name)).collect();
                    bail!(
                        "--mutant {name}: no such timing rule; one of {}",
                        names.join(", ")
                    );
                };
                (m.device_params, m.controller_params)
            }
        };
        Ok(Self {
            requests,
            case_requests,
            seed,
            mutant,
            device,
            controller,
            benches: vec![None, None],
        })
    }

    fn chunks(&self) -> u64 {
        self.requests.div_ceil(self.case_requests)
    }

    fn bench(&mut self, policy: usize) -> Result<&mut Bench<VerilatorModel>, String> {
        if self.benches[policy].is_none() {
            let b = verilator_bench(&self.controller, &policies()[policy].1)?;
            self.benches[policy] = Some(b);
        }
        Ok(self.benches[policy].as_mut().expect("just built"))
    }
}

impl Regression for MemctlRegression {
    fn name(&self) -> &'static str {
        "memctl"
    }

    fn command(&self) -> Vec<String> {
        let mut c: Vec<String> = [
            "regress",
            "memctl",
            "--requests",
            &self.requests.to_string(),
            "--case-requests",
            &self.case_requests.to_string(),
            "--seed",
            &self.seed.to_string(),
        ]
        .map(String::from)
        .to_vec();
        if let Some(m) = &self.mutant {
            c.extend(["--mutant".to_string(), m.clone()]);
        }
        c
    }

    fn cases(&self) -> u64 {
        self.chunks() * policies().len() as u64
    }

    fn prepare(&mut self) -> anyhow::Result<()> {
        for k in 0..policies().len() {
            self.bench(k).map_err(anyhow::Error::msg)?;
        }
        Ok(())
    }

    fn run_case(&mut self, index: u64) -> CaseResult {
        let n_policies = policies().len() as u64;
        let (policy, chunk) = ((index % n_policies) as usize, index / n_policies);
        let n = self
            .case_requests
            .min(self.requests - chunk * self.case_requests);
        let seed = case_seed(self.seed, index);
        let (policy_name, cfg) = policies()[policy].clone();
        let reqs = stress(&self.device, n as usize, seed);
        let device = self.device.clone();
        let opt = BenchOptions {
            backpressure: 0.2,
            seed,
            ..BenchOptions::default()
        };
        let t = Instant::now();
        let run = self
            .bench(policy)
            .and_then(|b| memctl::bench::run(b, &device, &cfg, &reqs, &opt));
        let mut metrics = BTreeMap::from([("requests".to_string(), n as f64)]);
        let failure = match run {
            Ok(hw) => {
                metrics.insert("cycles".into(), hw.outcome.cycles as f64);
                metrics.insert("refreshes".into(), hw.outcome.refreshes as f64);
                metrics.insert(
                    "data_busy_cycles".into(),
                    hw.outcome.data_busy_cycles as f64,
                );
                None
            }
            Err(e) => Some(e),
        };
        CaseResult::new(
            index,
            format!("{policy_name}, chunk {chunk}"),
            seed,
            metrics,
            failure,
            t.elapsed().as_secs_f64(),
        )
    }

    fn describe_pass(&self, c: &CaseResult) -> String {
        let m = |k: &str| c.metrics.get(k).copied().unwrap_or(0.0);
        format!(
                "{} (seed {}): {} requests, {} cycles, {} refreshes, 0 violations, data intact; {:.0} cycles/s",
                c.name,
                c.seed,
                m("requests"),
                m("cycles"),
                m("refreshes"),
                m("cycles") / c.seconds.max(1e-9)
        )
    }
}

pub fn run_teeth(seed: u64) -> anyhow::Result<()> {
    let p = MemParams::preset(catalog::MEMCTL_PRESET).map_err(anyhow::Error::msg)?;
    let traces = teeth_traces(&p, seed);
    let mut teeth = Teeth::default();
    for m in mutants(&p) {
        let mut b = verilator_bench(&m.controller_params, &m.config).map_err(anyhow::Error::msg)?;
        let caught = traces.iter().find_map(|(name, reqs)| {
            memctl::bench::run(
                &mut b,
                &m.device_params,
                &m.config,
                reqs,
                &BenchOptions::default(),
            )
            .err()
            .map(|e| (*name, e))
        });
        teeth.record(&m.name, caught.as_ref().map(|(t, e)| (*t, e.as_str())));
    }
    teeth.finish()
}
