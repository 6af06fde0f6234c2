//! The SDC parser must never panic, and whatever it accepts must print back
//! to text that parses to the same commands.
#![no_main]

use kaizen_flow::sdc::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(sdc) = parse("fuzz.sdc", text) {
        let printed = sdc.to_string();
        let again = parse("printed.sdc", &printed).expect("printed SDC parses");
        assert_eq!(again.commands, sdc.commands);
    }
});
