//! GF(2)-linear combinational networks: every output bit is the XOR of a
//! fixed subset of the input bits.
//!
//! CRCs and LFSR scramblers processing many bits per clock are exactly this:
//! their next state and output are linear in (state, data). The matrices are
//! derived in Rust (see [`Gf2Matrix`]) from a bit-serial definition, and this
//! block turns them into Verilog and into a rust-hdl model.

use rust_hdl::prelude::*;

/// Rows of a GF(2) matrix: `rows[i]` is the set of input bits that output
/// bit `i` depends on, packed little-endian into `u64` words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gf2Matrix {
    inputs: usize,
    rows: Vec<Vec<u64>>,
}

impl Gf2Matrix {
    /// Builds the matrix of a linear map `f` from its responses to the unit
    /// vectors (each input bit alone).
    pub fn from_linear_fn(inputs: usize, outputs: usize, f: impl Fn(&[bool]) -> Vec<bool>) -> Self {
        let mut rows = vec![vec![0u64; words(inputs)]; outputs];
        let mut unit = vec![false; inputs];
        for j in 0..inputs {
            unit[j] = true;
            let response = f(&unit);
            assert_eq!(response.len(), outputs, "linear map gave the wrong width");
            for (i, bit) in response.into_iter().enumerate() {
                if bit {
                    rows[i][j / 64] |= 1 << (j % 64);
                }
            }
            unit[j] = false;
        }
        Self { inputs, rows }
    }

    /// Wiring only: output bit `offsets[k] + i` is input bit `starts[k] + i`
    /// for `widths[k]` bits of each field. rust-hdl kernels cannot widen or
    /// concatenate vectors without Verilator WIDTH warnings; an `XorNet`
    /// with this matrix places fields into a wider vector as plain wires.
    pub fn placement(inputs: usize, outputs: usize, fields: &[(usize, usize, usize)]) -> Self {
        Self::from_linear_fn(inputs, outputs, |x| {
            let mut y = vec![false; outputs];
            for &(start, offset, width) in fields {
                y[offset..offset + width].copy_from_slice(&x[start..start + width]);
            }
            y
        })
    }

    /// Columns: input bits.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// Rows: output bits.
    pub fn outputs(&self) -> usize {
        self.rows.len()
    }

    /// Output bit `i` for the packed input `x`.
    fn apply_row(&self, i: usize, x: &[u64]) -> bool {
        self.rows[i]
            .iter()
            .zip(x)
            .fold(0, |acc, (m, v)| acc ^ (m & v).count_ones())
            & 1
            == 1
    }

    /// The columns `offset .. offset + width` of row `i` as a Verilog literal.
    fn row_literal(&self, i: usize, offset: usize, width: usize) -> Option<String> {
        let bit = |j: usize| (self.rows[i][j / 64] >> (j % 64)) & 1 == 1;
        if !(offset..offset + width).any(bit) {
            return None;
        }
        let mut hex = String::new();
        let nibbles = width.div_ceil(4);
        for n in (0..nibbles).rev() {
            let mut v = 0;
            for b in 0..4 {
                let j = n * 4 + b;
                if j < width && bit(offset + j) {
                    v |= 1 << b;
                }
            }
            hex.push(char::from_digit(v, 16).expect("nibble"));
        }
        Some(format!("{width}'h{hex}"))
    }
}

fn words(bits: usize) -> usize {
    bits.div_ceil(64).max(1)
}

/// ORs the bits of `x` into the packed vector `out`, starting at bit `offset`.
fn pack_at<const N: usize>(x: Bits<N>, offset: usize, out: &mut [u64]) {
    let (word, shift) = (offset / 64, offset % 64);
    if N <= 64 {
        let v = x.to_u64();
        out[word] |= v << shift;
        if shift > 0 && shift + N > 64 {
            out[word + 1] |= v >> (64 - shift);
        }
    } else {
        for j in (0..N).filter(|&j| x.get_bit(j)) {
            let k = offset + j;
            out[k / 64] |= 1 << (k % 64);
        }
    }
}

impl Gf2Matrix {
    /// `M · x` for the packed input `x`.
    fn apply<const O: usize>(&self, x: &[u64]) -> Bits<O> {
        let mut y = Bits::<O>::default();
        for i in (0..O).filter(|&i| self.apply_row(i, x)) {
            y = y.replace_bit(i, true);
        }
        y
    }
}

/// Verilog for `y = M · {b, a}` where `a` holds the first `a_width` columns.
fn xor_net_verilog(m: &Gf2Matrix, a_width: usize) -> String {
    let b_width = m.inputs() - a_width;
    let mut code = String::from("always @(*) begin\n");
    for i in 0..m.outputs() {
        let mut terms = vec![];
        if let Some(mask) = m.row_literal(i, 0, a_width) {
            terms.push(format!("(^(a & {mask}))"));
        }
        if b_width > 0 {
            if let Some(mask) = m.row_literal(i, a_width, b_width) {
                terms.push(format!("(^(b & {mask}))"));
            }
        }
        let rhs = if terms.is_empty() {
            "1'b0".to_string()
        } else {
            terms.join(" ^ ")
        };
        code.push_str(&format!("    y[{i}] = {rhs};\n"));
    }
    code.push_str("end");
    code
}

/// `y = M · a`.
#[derive(LogicBlock)]
pub struct XorNet<const I: usize, const O: usize> {
    /// Input vector.
    pub a: Signal<In, Bits<I>>,
    /// `matrix` times `a` over GF(2).
    pub y: Signal<Out, Bits<O>>,
    _matrix: Gf2Matrix,
    _scratch: Vec<u64>,
}

impl<const I: usize, const O: usize> XorNet<I, O> {
    /// The network computing `matrix` (`O` x `I`).
    pub fn new(matrix: Gf2Matrix) -> Self {
        assert_eq!(
            (matrix.inputs(), matrix.outputs()),
            (I, O),
            "XorNet: matrix shape"
        );
        Self {
            a: Default::default(),
            y: Default::default(),
            _matrix: matrix,
            _scratch: vec![0; words(I)],
        }
    }
}

impl<const I: usize, const O: usize> Logic for XorNet<I, O> {
    fn update(&mut self) {
        self._scratch.fill(0);
        pack_at(self.a.val(), 0, &mut self._scratch);
        self.y.next = self._matrix.apply(&self._scratch);
    }
    fn connect(&mut self) {
        self.y.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(xor_net_verilog(&self._matrix, I))
    }
}

/// `y = M · {b, a}`: a linear map of two inputs (e.g. CRC state and data).
#[derive(LogicBlock)]
pub struct XorNet2<const I: usize, const J: usize, const O: usize> {
    /// First input vector (the low `I` columns).
    pub a: Signal<In, Bits<I>>,
    /// Second input vector (the next `J` columns).
    pub b: Signal<In, Bits<J>>,
    /// `matrix` times `a ++ b` over GF(2).
    pub y: Signal<Out, Bits<O>>,
    _matrix: Gf2Matrix,
    _scratch: Vec<u64>,
}

impl<const I: usize, const J: usize, const O: usize> XorNet2<I, J, O> {
    /// The network computing `matrix` (`O` x `I + J`).
    pub fn new(matrix: Gf2Matrix) -> Self {
        assert_eq!(
            (matrix.inputs(), matrix.outputs()),
            (I + J, O),
            "XorNet2: matrix shape"
        );
        Self {
            a: Default::default(),
            b: Default::default(),
            y: Default::default(),
            _matrix: matrix,
            _scratch: vec![0; words(I + J)],
        }
    }
}

impl<const I: usize, const J: usize, const O: usize> Logic for XorNet2<I, J, O> {
    fn update(&mut self) {
        // {b, a} as one packed vector, a in the low I bits.
        self._scratch.fill(0);
        pack_at(self.a.val(), 0, &mut self._scratch);
        pack_at(self.b.val(), I, &mut self._scratch);
        self.y.next = self._matrix.apply(&self._scratch);
    }
    fn connect(&mut self) {
        self.y.connect();
    }
    fn hdl(&self) -> Verilog {
        Verilog::Custom(xor_net_verilog(&self._matrix, I))
    }
}
