//! The flit: 256 bytes, in the spirit of UCIe's 256-byte flit formats.
//!
//! | bytes     | field                                                    |
//! |-----------|----------------------------------------------------------|
//! | 0         | kind: 0 = idle (carries only link control), 1 = data     |
//! | 1         | sequence number of a data flit (mod 256)                 |
//! | 2         | acknowledge: last data flit received in order (mod 256)  |
//! | 3         | flags: bit 0 acknowledge valid, bit 1 NAK (replay from   |
//! |           | the flit after the acknowledged one)                     |
//! | 4 .. 252  | payload, 248 bytes                                       |
//! | 252 .. 256| CRC-32/ISO-HDLC of bytes 0 .. 252, little-endian         |
//!
//! Simplified against UCIe: UCIe's 256-byte flits carry a 2-byte header and
//! two CRC-16 codes over 128-byte halves, with the retry sequence numbers
//! in the header; here one 4-byte header holds sequence, acknowledge and NAK
//! (so acknowledges ride in every flit of the reverse direction), and one
//! CRC-32 covers the flit (all single, double and triple errors and every
//! burst up to 32 bits are caught at this length). Payload efficiency:
//! 248 / 256 = 96.9 %.

pub const FLIT_BYTES: usize = 256;
pub const HEADER_BYTES: usize = 4;
pub const CRC_BYTES: usize = 4;
pub const PAYLOAD_BYTES: usize = FLIT_BYTES - HEADER_BYTES - CRC_BYTES;
pub const KIND_IDLE: u8 = 0;
pub const KIND_DATA: u8 = 1;
pub const FLAG_ACK: u8 = 1;
pub const FLAG_NAK: u8 = 2;
