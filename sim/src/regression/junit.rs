//! JUnit XML (what CI systems read) for a regression's cases.

use super::{replay_command, CaseResult};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

/// One test suite named after the regression, one test case per case; a
/// failure carries its message and the command that replays it.
pub fn junit_xml(regression: &str, command: &[String], cases: &[CaseResult]) -> String {
    let mut suite = TestSuite::new(format!("kaizen regress {regression}"));
    for c in cases {
        let status = if c.passed {
            TestCaseStatus::success()
        } else {
            let failure = c.failure.as_deref().unwrap_or("failed");
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(failure.lines().next().unwrap_or("failed"))
                .set_description(format!(
                    "{failure}\nreplay: {}",
                    replay_command(command, c.index)
                ));
            s
        };
        let mut t = TestCase::new(format!("case {:04}: {}", c.index, c.name), status);
        t.set_classname(format!("regress.{regression}"))
            .set_time(Duration::from_secs_f64(c.seconds.max(0.0)));
        suite.add_test_case(t);
    }
    let mut report = Report::new("kaizen");
    report.add_test_suite(suite);
    report
        .to_string()
        .expect("JUnit of plain strings serialises")
}
