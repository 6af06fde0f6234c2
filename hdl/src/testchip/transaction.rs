//! The test chip's transaction layer: memory and register requests, and
//! their responses, packed into the die-to-die link's flit payloads. This
//! module is the one definition of the format: the RTL (`unpack.rs`,
//! `pack.rs`) takes its numbers from here, and the partner die's model
//! (`kaizen_sim::testchip`) encodes and decodes with [`Flit`].
//!
//! A payload is the link's 248 bytes, seen by the RTL as 16 words of 16 bytes
//! (the last word's upper 8 bytes unused):
//!
//! | payload bytes | words | what |
//! |---|---|---|
//! | 0 .. 240 | 0 .. 14 | five slots of 48 bytes (3 words), slot `s` at word `3 s` |
//! | 240 .. 242 | 15 | credits (chip to host): request-buffer entries freed, cumulative, mod 2^16 |
//! | 242 .. 248 | 15 | zero |
//!
//! A slot is a header word and two data words (bytes 16 .. 48: the 32-byte
//! burst, unused by messages without data). Header bytes, little-endian:
//!
//! | bytes | field |
//! |---|---|
//! | 0 | opcode ([`op`]); 0 = empty slot |
//! | 1 | tag: the requester's, returned in the response |
//! | 2 .. 6 | address: 32-byte burst address (memory, 23 bits used) or register index |
//! | 6 .. 10 | byte mask of a memory write (bit `i` = data byte `i`) |
//! | 10 .. 14 | value: a register write's data, a register read's result |
//! | 14 .. 16 | zero |
//!
//! Flow control: every memory request takes one of [`REQUEST_CREDITS`]
//! credits; the chip returns them (the credits field) as its request buffer
//! drains, so the buffer never overflows and nothing is dropped. Register
//! requests take one of [`CSR_CREDITS`], returned by their response.
//! Responses are never refused: the host takes all it is sent.

use std::fmt;

/// The payload the link carries per flit.
pub const PAYLOAD_BYTES: usize = crate::d2d::flit::PAYLOAD_BYTES;
pub const WORD_BYTES: usize = 16;
pub const SLOT_WORDS: usize = 3;
pub const SLOT_BYTES: usize = SLOT_WORDS * WORD_BYTES;
pub const SLOTS: usize = 5;
/// The word holding the credits.
pub const TRAILER_WORD: usize = SLOTS * SLOT_WORDS;
pub const DATA_BYTES: usize = 32;

/// Bit offsets and widths of the header fields in the header word.
pub mod field {
    pub const OPCODE: (usize, usize) = (0, 8);
    pub const TAG: (usize, usize) = (8, 8);
    pub const ADDRESS: (usize, usize) = (16, 32);
    pub const MASK: (usize, usize) = (48, 32);
    pub const VALUE: (usize, usize) = (80, 32);
    /// In the trailer word.
    pub const CREDITS: (usize, usize) = (0, 16);
}

/// Opcodes: requests from the host, responses (high bit set) from the chip.
pub mod op {
    pub const NONE: u8 = 0;
    pub const MEM_READ: u8 = 1;
    pub const MEM_WRITE: u8 = 2;
    pub const CSR_READ: u8 = 3;
    pub const CSR_WRITE: u8 = 4;
    pub const READ_DATA: u8 = 0x81;
    pub const WRITE_ACK: u8 = 0x82;
    pub const CSR_DATA: u8 = 0x83;
    pub const CSR_ACK: u8 = 0x84;
    /// A register request the chip refused: no such register, or a write
    /// to a read-only one.
    pub const CSR_ERROR: u8 = 0x85;
}

/// Memory requests the host may have sent beyond the credits returned: the
/// depth of the chip's request buffer.
pub const REQUEST_CREDITS: u32 = 64;
/// Register requests the host may have outstanding.
pub const CSR_CREDITS: u32 = 4;
/// Memory addresses are 32-byte bursts, 23 bits of them.
pub const ADDRESS_BITS: usize = 23;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    MemRead {
        tag: u8,
        addr: u32,
    },
    MemWrite {
        tag: u8,
        addr: u32,
        data: [u8; DATA_BYTES],
        mask: u32,
    },
    CsrRead {
        tag: u8,
        addr: u32,
    },
    CsrWrite {
        tag: u8,
        addr: u32,
        value: u32,
    },
    ReadData {
        tag: u8,
        data: [u8; DATA_BYTES],
    },
    WriteAck {
        tag: u8,
    },
    CsrData {
        tag: u8,
        value: u32,
    },
    CsrAck {
        tag: u8,
    },
    CsrError {
        tag: u8,
    },
}

impl Message {
    pub fn opcode(&self) -> u8 {
        match self {
            Message::MemRead { .. } => op::MEM_READ,
            Message::MemWrite { .. } => op::MEM_WRITE,
            Message::CsrRead { .. } => op::CSR_READ,
            Message::CsrWrite { .. } => op::CSR_WRITE,
            Message::ReadData { .. } => op::READ_DATA,
            Message::WriteAck { .. } => op::WRITE_ACK,
            Message::CsrData { .. } => op::CSR_DATA,
            Message::CsrAck { .. } => op::CSR_ACK,
            Message::CsrError { .. } => op::CSR_ERROR,
        }
    }

    pub fn tag(&self) -> u8 {
        match *self {
            Message::MemRead { tag, .. }
            | Message::MemWrite { tag, .. }
            | Message::CsrRead { tag, .. }
            | Message::CsrWrite { tag, .. }
            | Message::ReadData { tag, .. }
            | Message::WriteAck { tag }
            | Message::CsrData { tag, .. }
            | Message::CsrAck { tag }
            | Message::CsrError { tag } => tag,
        }
    }

    /// The slot's 48 bytes.
    pub fn encode(&self) -> [u8; SLOT_BYTES] {
        let mut s = [0u8; SLOT_BYTES];
        s[0] = self.opcode();
        s[1] = self.tag();
        let (addr, mask, value, data) = match self {
            Message::MemRead { addr, .. } | Message::CsrRead { addr, .. } => (*addr, 0, 0, None),
            Message::MemWrite {
                addr, data, mask, ..
            } => (*addr, *mask, 0, Some(data)),
            Message::CsrWrite { addr, value, .. } => (*addr, 0, *value, None),
            Message::ReadData { data, .. } => (0, 0, 0, Some(data)),
            Message::CsrData { value, .. } => (0, 0, *value, None),
            Message::WriteAck { .. } | Message::CsrAck { .. } | Message::CsrError { .. } => {
                (0, 0, 0, None)
            }
        };
        s[2..6].copy_from_slice(&addr.to_le_bytes());
        s[6..10].copy_from_slice(&mask.to_le_bytes());
        s[10..14].copy_from_slice(&value.to_le_bytes());
        if let Some(d) = data {
            s[WORD_BYTES..].copy_from_slice(d);
        }
        s
    }

    /// The message in a slot; `None` for an empty one.
    pub fn decode(s: &[u8]) -> Result<Option<Message>, FormatError> {
        let u32_at = |i: usize| u32::from_le_bytes([s[i], s[i + 1], s[i + 2], s[i + 3]]);
        let (tag, addr, mask, value) = (s[1], u32_at(2), u32_at(6), u32_at(10));
        let mut data = [0u8; DATA_BYTES];
        data.copy_from_slice(&s[WORD_BYTES..SLOT_BYTES]);
        Ok(Some(match s[0] {
            op::NONE => return Ok(None),
            op::MEM_READ => Message::MemRead { tag, addr },
            op::MEM_WRITE => Message::MemWrite {
                tag,
                addr,
                data,
                mask,
            },
            op::CSR_READ => Message::CsrRead { tag, addr },
            op::CSR_WRITE => Message::CsrWrite { tag, addr, value },
            op::READ_DATA => Message::ReadData { tag, data },
            op::WRITE_ACK => Message::WriteAck { tag },
            op::CSR_DATA => Message::CsrData { tag, value },
            op::CSR_ACK => Message::CsrAck { tag },
            op::CSR_ERROR => Message::CsrError { tag },
            other => return Err(FormatError::Opcode(other)),
        }))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    Opcode(u8),
    Padding { byte: usize },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Opcode(o) => write!(f, "unknown opcode {o:#04x}"),
            FormatError::Padding { byte } => write!(f, "payload byte {byte} should be zero"),
        }
    }
}

/// One flit's payload: five slots and the credits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flit {
    pub slots: [Option<Message>; SLOTS],
    pub credits: u16,
}

impl Flit {
    pub fn encode(&self) -> [u8; PAYLOAD_BYTES] {
        let mut p = [0u8; PAYLOAD_BYTES];
        for (s, m) in self.slots.iter().enumerate() {
            if let Some(m) = m {
                p[s * SLOT_BYTES..(s + 1) * SLOT_BYTES].copy_from_slice(&m.encode());
            }
        }
        let t = TRAILER_WORD * WORD_BYTES;
        p[t..t + 2].copy_from_slice(&self.credits.to_le_bytes());
        p
    }

    pub fn decode(p: &[u8; PAYLOAD_BYTES]) -> Result<Self, FormatError> {
        let mut f = Flit::default();
        for s in 0..SLOTS {
            f.slots[s] = Message::decode(&p[s * SLOT_BYTES..(s + 1) * SLOT_BYTES])?;
        }
        let t = TRAILER_WORD * WORD_BYTES;
        f.credits = u16::from_le_bytes([p[t], p[t + 1]]);
        if let Some(byte) = (t + 2..PAYLOAD_BYTES).find(|&i| p[i] != 0) {
            return Err(FormatError::Padding { byte });
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_offsets_match_the_byte_layout() {
        let m = Message::CsrWrite {
            tag: 0x5a,
            addr: 0x0102_0304,
            value: 0xdead_beef,
        };
        let s = m.encode();
        let header = u128::from_le_bytes(s[..16].try_into().unwrap());
        let get = |(at, width): (usize, usize)| (header >> at) & ((1u128 << width) - 1);
        assert_eq!(get(field::OPCODE), u128::from(op::CSR_WRITE));
        assert_eq!(get(field::TAG), 0x5a);
        assert_eq!(get(field::ADDRESS), 0x0102_0304);
        assert_eq!(get(field::VALUE), 0xdead_beef);
        assert_eq!(Message::decode(&s), Ok(Some(m)));
    }

    #[test]
    fn a_flit_round_trips_and_bad_bytes_are_refused() {
        let f = Flit {
            slots: [
                Some(Message::MemWrite {
                    tag: 1,
                    addr: 77,
                    data: [9; 32],
                    mask: 0xffff_0000,
                }),
                None,
                Some(Message::ReadData {
                    tag: 3,
                    data: [4; 32],
                }),
                Some(Message::CsrAck { tag: 8 }),
                None,
            ],
            credits: 0xbeef,
        };
        let mut p = f.encode();
        assert_eq!(Flit::decode(&p), Ok(f));
        p[SLOT_BYTES] = 0x7f;
        assert_eq!(Flit::decode(&p), Err(FormatError::Opcode(0x7f)));
        p[SLOT_BYTES] = 0;
        p[247] = 1;
        assert_eq!(Flit::decode(&p), Err(FormatError::Padding { byte: 247 }));
    }
}
