//! What the two ends of the PHY agree on: lane counts, the training
//! pattern, the start-of-data marker, the training states and the sideband
//! message. The RTL (`phy.rs`) and the bench's wire monitor both take their
//! numbers from here.
//!
//! Link bring-up, in the spirit of UCIe's link training state machine:
//!
//! ```text
//! RESET -> SBINIT -> MBINIT -> MBTRAIN -> LINKINIT -> ACTIVE
//!                                 ^                      |
//!                                 +------ RETRAIN <------+   (error threshold)
//! any state -> TRAINERROR (lanes cannot be repaired, or the partner failed)
//! ```
//!
//! Each die sends its state (and, from LINKINIT on, the lane mode its
//! receiver chose) over the sideband continuously; a die leaves a state when
//! it sees the partner has reached it too. In MBTRAIN every physical lane
//! carries the training pattern; the receiver finds each lane's arrival
//! phase (its skew) and the lanes that never show the pattern (broken), and
//! picks the lane mode. ACTIVE begins with four start-of-data (SDS) clocks,
//! then flits back to back.

/// Physical data lanes of the module (a UCIe standard-package module).
pub const LANES: usize = 16;
/// Lanes of a degraded link (one healthy half).
pub const HALF_LANES: usize = 8;
/// Bits per lane per core clock.
pub const LANE_BITS: usize = 8;
/// Bits of one core clock across all lanes.
pub const WORD_BITS: usize = LANES * LANE_BITS;
/// 128-bit words per 256-byte flit.
pub const FLIT_WORDS: usize = 16;
/// Flits the transmitter keeps for replay (unacknowledged at most).
pub const REPLAY_SLOTS: usize = 16;

/// Training pattern: period in clocks; byte `k` of the period is `k`,
/// except byte 0, the marker, which no other byte of the pattern equals
/// and a stuck lane (0x00 / 0xFF) never shows.
pub const TRAIN_PERIOD: usize = 32;
pub const TRAIN_MARK: u8 = 0xA5;
/// The receiver measures for this many pattern periods.
pub const TRAIN_PERIODS: usize = 8;
/// A lane is good when its marker came at the same phase this many periods
/// running.
pub const TRAIN_MIN_HITS: usize = 4;
/// Largest lane-to-lane skew training can measure and deskew absorb.
pub const MAX_SKEW: usize = 15;

/// Start of data: on the four clocks before the first flit every active
/// lane carries `SDS[i]`. The receiver locks on any one of them seen on at
/// least `SDS_MATCH` of lanes 0..7, so bit errors cannot make it miss the
/// first flit or find it a clock off.
pub const SDS: [u8; 4] = [0xE0, 0xE1, 0xE2, 0xE3];
pub const SDS_MATCH: usize = 6;

/// Training states, as sent over the sideband. RETRAIN sorts low so that
/// "partner has reached state S" is a range test during (re)training.
pub mod state {
    pub const RESET: u64 = 0;
    pub const RETRAIN: u64 = 1;
    pub const SBINIT: u64 = 2;
    pub const MBINIT: u64 = 3;
    pub const MBTRAIN: u64 = 4;
    pub const LINKINIT: u64 = 5;
    pub const ACTIVE: u64 = 6;
    pub const TRAINERROR: u64 = 7;

    pub fn name(s: u64) -> &'static str {
        [
            "RESET",
            "RETRAIN",
            "SBINIT",
            "MBINIT",
            "MBTRAIN",
            "LINKINIT",
            "ACTIVE",
            "TRAINERROR",
        ]
        .get(s as usize)
        .copied()
        .unwrap_or("?")
    }
}

/// Lane modes a receiver chooses after training.
pub mod mode {
    /// All 16 lanes.
    pub const FULL: u64 = 0;
    /// Lanes 0..7 only.
    pub const LOWER: u64 = 1;
    /// Lanes 8..15 only.
    pub const UPPER: u64 = 2;
    /// Neither half is whole: the link cannot come up.
    pub const FAIL: u64 = 3;
}

/// Sideband message of the standard package: state in bits 0..2, the lane
/// mode this die's receiver chose in 3..4 (frame: `sideband.rs`).
pub const SB_MESSAGE_BITS: usize = 5;

/// Consecutive flits failing CRC that make the link retrain (a lane died).
/// At BER 1e-4 a flit fails with p ~ 0.19, so 16 in a row is ~ 1e-12.
pub const RETRAIN_AFTER: usize = 16;
/// Clocks without acknowledge progress before the transmitter replays
/// (and a receiver waiting for a replay gives up waiting): about twice the
/// round trip at half width with the largest lane delays (~190 clocks).
/// It is what a lost NAK costs, so it sets goodput at high BER.
pub const ACK_TIMEOUT: usize = 384;
/// Clocks in ACTIVE without finding the start of data before retraining.
pub const SDS_TIMEOUT: usize = 255;

/// Offset, in LFSR steps, between neighbouring lanes' scrambler seeds.
pub const LANE_SEED_OFFSET: usize = 4099;

/// Deliberate bugs the test suite must catch (`kaizen regress d2d --teeth`).
/// The shipped PHY is built with `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    None,
    /// The receiver's CRC check ignores CRC bit 31.
    CrcCheckIgnoresBit,
    /// Both ends leave bit 32 of every 128-bit flit word (bit 0 of flit
    /// bytes 4, 20, 36, ...) out of the CRC.
    CrcSkipsPayloadBit,
    /// Go-back-N replays from one past the oldest unacknowledged flit.
    ReplayFromNext,
    /// Go-back-N replays from one before it (resends an acknowledged flit).
    ReplayFromPrevious,
    /// Advanced package: the spare remap does not count a broken lane 0, so
    /// traffic stays on it (both ends, so they agree with each other but not
    /// with the repair rule).
    SpareRemapIgnoresLane0,
}

impl Mutation {
    pub const ALL: [Mutation; 5] = [
        Mutation::CrcCheckIgnoresBit,
        Mutation::CrcSkipsPayloadBit,
        Mutation::ReplayFromNext,
        Mutation::ReplayFromPrevious,
        Mutation::SpareRemapIgnoresLane0,
    ];

    /// The package whose PHY has the mutated logic (the link layer is
    /// shared; the standard package's PHY stands for it).
    pub fn package(self) -> super::params::Package {
        match self {
            Mutation::SpareRemapIgnoresLane0 => super::params::Package::Advanced,
            _ => super::params::Package::Standard,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mutation::None => "none",
            Mutation::CrcCheckIgnoresBit => "crc-check-ignores-bit-31",
            Mutation::CrcSkipsPayloadBit => "crc-skips-a-bit",
            Mutation::ReplayFromNext => "replay-pointer-plus-one",
            Mutation::ReplayFromPrevious => "replay-pointer-minus-one",
            Mutation::SpareRemapIgnoresLane0 => "spare-remap-ignores-lane-0",
        }
    }
}

/// Clocks from reset release until both dies are ACTIVE, at most, when the
/// sideband takes `sideband_delay` clocks and lane delays stay within a
/// pattern period: four sideband handshakes (SBINIT -> MBINIT -> MBTRAIN,
/// the partner seen sending the pattern, LINKINIT -> ACTIVE), each waiting
/// for the partner's next frame to start and arrive whole (2 frame periods,
/// the flight time and 3 register stages), plus the measurement window.
/// The package sets the sideband frame: 8 clocks on the standard package,
/// 74 on the advanced (its message carries a 68-lane map), each followed by
/// as long an idle gap.
pub fn training_bound(package: super::params::Package, sideband_delay: usize) -> u64 {
    let message_bits = match package {
        super::params::Package::Standard => SB_MESSAGE_BITS,
        super::params::Package::Advanced => super::advanced::SB_MESSAGE_BITS,
    };
    let handshake = 2 * super::sideband::frame_period(message_bits) + sideband_delay + 3;
    (1 + 4 * handshake + TRAIN_PERIODS * TRAIN_PERIOD + 2) as u64
}
