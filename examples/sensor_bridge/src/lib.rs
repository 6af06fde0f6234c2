//! `sensor_bridge`: a sensor interface for the test chip, written only
//! against Kaizen's public API (an example of a user's block).
//!
//! A sensor samples in its own clock domain: on `sample` its 12-bit
//! `reading` crosses into the core domain through Kaizen's handshake
//! synchroniser, if the previous one has arrived (`ready`); otherwise it is
//! dropped and counted in the sensor domain. The core domain keeps the
//! count, last, minimum and maximum of the readings received.

use kaizen::prelude::*;

/// Bits of a reading.
pub const READING_BITS: usize = 12;

#[derive(LogicBlock)]
pub struct SensorBridge {
    pub sensor_clock: Signal<In, Clock>,
    /// Asynchronous, active high, released in the sensor domain.
    pub sensor_reset: Signal<In, Bit>,
    /// A reading is offered at a sensor clock edge.
    pub sample: Signal<In, Bit>,
    pub reading: Signal<In, Bits<READING_BITS>>,
    /// The next reading can cross (the previous one has arrived).
    pub ready: Signal<Out, Bit>,
    /// Readings offered while not ready (sensor domain), modulo 2^16.
    pub dropped: Signal<Out, Bits<16>>,
    pub core_clock: Signal<In, Clock>,
    /// Asynchronous, active high, released in the core domain.
    pub core_reset: Signal<In, Bit>,
    /// Readings received (core domain), modulo 2^16.
    pub received: Signal<Out, Bits<16>>,
    pub last: Signal<Out, Bits<READING_BITS>>,
    /// All ones until the first reading arrives.
    pub min: Signal<Out, Bits<READING_BITS>>,
    /// Zero until the first reading arrives.
    pub max: Signal<Out, Bits<READING_BITS>>,
    link: HandshakeSync<Bits<READING_BITS>>,
    dropped_count: Reg<Bits<16>>,
    received_count: Reg<Bits<16>>,
    last_reading: Reg<Bits<READING_BITS>>,
    min_reading: Reg<Bits<READING_BITS>>,
    max_reading: Reg<Bits<READING_BITS>>,
    one: Constant<Bits<16>>,
}

impl Default for SensorBridge {
    fn default() -> Self {
        Self {
            sensor_clock: Default::default(),
            sensor_reset: Default::default(),
            sample: Default::default(),
            reading: Default::default(),
            ready: Default::default(),
            dropped: Default::default(),
            core_clock: Default::default(),
            core_reset: Default::default(),
            received: Default::default(),
            last: Default::default(),
            min: Default::default(),
            max: Default::default(),
            link: Default::default(),
            dropped_count: Reg::new(0.into()),
            received_count: Reg::new(0.into()),
            last_reading: Reg::new(0.into()),
            min_reading: Reg::new(((1u64 << READING_BITS) - 1).into()),
            max_reading: Reg::new(0.into()),
            one: Constant::new(1.into()),
        }
    }
}

impl Logic for SensorBridge {
    #[hdl_gen]
    fn update(&mut self) {
        // Sensor domain.
        self.link.src_clock.next = self.sensor_clock.val();
        self.link.src_reset.next = self.sensor_reset.val();
        self.link.send.next = self.sample.val();
        self.link.data_in.next = self.reading.val();
        self.ready.next = self.link.ready.val();
        self.dropped_count.clock.next = self.sensor_clock.val();
        self.dropped_count.reset.next = self.sensor_reset.val();
        self.dropped_count.d.next = self.dropped_count.q.val();
        if self.sample.val() & !self.link.ready.val() {
            self.dropped_count.d.next = self.dropped_count.q.val() + self.one.val();
        }
        self.dropped.next = self.dropped_count.q.val();

        // Core domain.
        self.link.dst_clock.next = self.core_clock.val();
        self.link.dst_reset.next = self.core_reset.val();
        self.received_count.clock.next = self.core_clock.val();
        self.received_count.reset.next = self.core_reset.val();
        self.last_reading.clock.next = self.core_clock.val();
        self.last_reading.reset.next = self.core_reset.val();
        self.min_reading.clock.next = self.core_clock.val();
        self.min_reading.reset.next = self.core_reset.val();
        self.max_reading.clock.next = self.core_clock.val();
        self.max_reading.reset.next = self.core_reset.val();
        self.received_count.d.next = self.received_count.q.val();
        self.last_reading.d.next = self.last_reading.q.val();
        self.min_reading.d.next = self.min_reading.q.val();
        self.max_reading.d.next = self.max_reading.q.val();
        if self.link.valid.val() {
            self.received_count.d.next = self.received_count.q.val() + self.one.val();
            self.last_reading.d.next = self.link.data_out.val();
            if self.link.data_out.val() < self.min_reading.q.val() {
                self.min_reading.d.next = self.link.data_out.val();
            }
            if self.link.data_out.val() > self.max_reading.q.val() {
                self.max_reading.d.next = self.link.data_out.val();
            }
        }
        self.received.next = self.received_count.q.val();
        self.last.next = self.last_reading.q.val();
        self.min.next = self.min_reading.q.val();
        self.max.next = self.max_reading.q.val();
    }
}

kaizen::port_access!(SensorBridge {
    inputs: [
        sensor_clock,
        sensor_reset,
        sample,
        reading,
        core_clock,
        core_reset
    ],
    outputs: [ready, dropped, received, last, min, max]
});

/// Kaizen's blocks and this example's.
pub fn catalog() -> Result<kaizen::Catalog, String> {
    kaizen::Catalog::project(env!("CARGO_MANIFEST_DIR"))
        .block_with_parameters(
            "sensor_bridge",
            "example user block: sensor readings cross into the core clock domain (handshake synchroniser), with min/max",
            [("reading_bits".to_string(), READING_BITS.to_string())].into(),
            SensorBridge::default,
        )
}
