//! Compressing the document's streams (`/FlateDecode`, a zlib stream).
//!
//! Text operators and the font program's tables have repeats for deflate to
//! find; miniz_oxide at level 1 finds them (its greedy level compresses a
//! font program as well as zlib-rs at level 2, in half the time). The
//! glyph outlines of a font program are another matter: Type 2 charstrings
//! are already compact, and deflate makes them about 8% smaller, almost all
//! of it from coding the bytes by their frequency, not from repeats. Looking
//! for repeats there was over half of the PDF writer's compression time. So
//! a stream can be given with a tail of such data, which is written as one
//! deflate block of literals coded with a Huffman code made for it
//! ([`literal_block`]): the same size within a percent, several times faster.
//! RFC 1950 (zlib) and RFC 1951 (deflate).

use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};

/// What `/Filter /FlateDecode` adds to a stream's dictionary, in bytes.
const FILTER_ENTRY: usize = 19;

/// `input` deflated for a `/FlateDecode` stream, `input[literals_from..]`
/// coded as literals only (see the module documentation); `None` if that
/// does not save more than the filter entry costs, or if the compressor
/// reports an error (the stream is then kept as it is).
pub(crate) fn flate(input: &[u8], literals_from: usize) -> Option<Vec<u8>> {
    zlib(input, literals_from).filter(|z| z.len() + FILTER_ENTRY < input.len())
}

/// `input` as a zlib stream, `input[literals_from..]` coded as literals
/// only; `None` if the compressor reports an error.
fn zlib(input: &[u8], literals_from: usize) -> Option<Vec<u8>> {
    thread_local! {
        /// One compressor per thread, for every document it writes: its
        /// tables (about 300 KB) are allocated once, not per stream.
        static DEFLATER: std::cell::RefCell<Deflater> = std::cell::RefCell::new(Deflater::new());
    }
    DEFLATER.with_borrow_mut(|deflater| deflater.zlib(input, literals_from))
}

/// A miniz_oxide compressor at level 1, producing raw deflate data, reset
/// between streams.
struct Deflater {
    state: Box<CompressorOxide>,
}

impl Deflater {
    fn new() -> Deflater {
        // Level 1, raw deflate (negative window bits), the default strategy.
        Deflater { state: Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(1, -15, 0))) }
    }

    fn zlib(&mut self, input: &[u8], literals_from: usize) -> Option<Vec<u8>> {
        let (head, tail) = input.split_at(literals_from.min(input.len()));
        let mut out = Vec::with_capacity(input.len() / 2 + 64);
        // CMF: deflate with a 32 KB window; FLG: the fastest level, and
        // check bits that make the pair a multiple of 31.
        out.extend_from_slice(&[0x78, 0x01]);
        // The head ends byte-aligned (an empty stored block) if a literal
        // block follows, with the final block if not.
        let flush = if tail.is_empty() { TDEFLFlush::Finish } else { TDEFLFlush::Sync };
        self.raw(head, flush, &mut out)?;
        if !tail.is_empty() {
            literal_block(tail, &mut out);
        }
        out.extend_from_slice(&miniz_oxide::mz_adler32_oxide(1, input).to_be_bytes());
        Some(out)
    }

    /// Append `input` deflated; `flush` says how the data ends.
    fn raw(&mut self, input: &[u8], flush: TDEFLFlush, out: &mut Vec<u8>) -> Option<()> {
        self.state.reset();
        let start = out.len();
        out.resize(start + input.len() / 2 + 64, 0);
        let (mut read, mut written) = (0, start);
        loop {
            let (status, n_in, n_out) = compress(&mut self.state, &input[read..], &mut out[written..], flush);
            read += n_in;
            written += n_out;
            match status {
                TDEFLStatus::Done => break,
                // Out of room: grow and go on.
                TDEFLStatus::Okay if out.len() - written < 1024 => out.resize(out.len() * 2 + 1024, 0),
                // A sync flush is complete once the input is taken and
                // the output was not cut short.
                TDEFLStatus::Okay if flush == TDEFLFlush::Sync && read == input.len() => break,
                // Room left and input taken: go on; neither is a stall.
                TDEFLStatus::Okay if n_in + n_out > 0 => {}
                _ => return None,
            }
        }
        out.truncate(written);
        Some(())
    }
}

/// The longest code deflate allows for literals and lengths.
const MAX_CODE: u8 = 15;
/// The longest code for the code lengths themselves.
const MAX_LENGTH_CODE: u8 = 7;
/// The order in which a dynamic block gives the code lengths' code lengths.
const LENGTH_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/// The end-of-block symbol.
const END: usize = 256;

/// Append `data` as the final deflate block, all literals, with a dynamic
/// Huffman code built from the data's own byte frequencies (RFC 1951,
/// 3.2.7). The output before it must end on a byte boundary.
fn literal_block(data: &[u8], out: &mut Vec<u8>) {
    let mut freq = [0u32; END + 1];
    for &b in data {
        freq[usize::from(b)] += 1;
    }
    freq[END] = 1;
    let lengths = code_lengths(&freq, MAX_CODE);
    let codes = canonical_codes(&lengths);

    // The lengths of the literal/length code (symbols 0..=256) and of a
    // distance code that is never used: two codes of one bit, the smallest
    // complete code, which every inflater accepts.
    let mut all_lengths = lengths.clone();
    all_lengths.extend_from_slice(&[1, 1]);
    let mut length_freq = [0u32; 19];
    for &l in &all_lengths {
        length_freq[usize::from(l)] += 1;
    }
    let length_lengths = code_lengths(&length_freq, MAX_LENGTH_CODE);
    let length_codes = canonical_codes(&length_lengths);
    let sent = LENGTH_ORDER.iter().rposition(|&s| length_lengths[s] != 0).map_or(4, |i| (i + 1).max(4));

    let mut bits = BitWriter { out, buffer: 0, filled: 0 };
    bits.put(1, 1); // BFINAL
    bits.put(2, 2); // BTYPE: dynamic Huffman codes
    bits.put(0, 5); // HLIT: 257 literal/length codes
    bits.put(1, 5); // HDIST: 2 distance codes
    bits.put(sent as u32 - 4, 4); // HCLEN
    for &s in &LENGTH_ORDER[..sent] {
        bits.put(u32::from(length_lengths[s]), 3);
    }
    for &l in &all_lengths {
        let l = usize::from(l);
        bits.put(length_codes[l], u32::from(length_lengths[l]));
    }
    for &b in data {
        let b = usize::from(b);
        bits.put(codes[b], u32::from(lengths[b]));
    }
    bits.put(codes[END], u32::from(lengths[END]));
    bits.finish();
}

/// Huffman code lengths for `freq`, none longer than `limit`; symbols that
/// never occur get no code. At least two symbols get a code, so that the
/// code is complete.
fn code_lengths(freq: &[u32], limit: u8) -> Vec<u8> {
    let mut freq = freq.to_vec();
    // Two symbols at least: a one-symbol code is not complete.
    for i in 0..2 {
        if freq.iter().filter(|&&f| f > 0).count() < 2 && freq[i] == 0 {
            freq[i] = 1;
        }
    }
    loop {
        let lengths = huffman_lengths(&freq);
        if lengths.iter().all(|&l| l <= limit) {
            return lengths;
        }
        // Too deep: flatten the frequencies and build again (each halving
        // brings rare symbols closer to common ones).
        for f in freq.iter_mut().filter(|f| **f > 0) {
            *f = (*f).div_ceil(2);
        }
    }
}

/// Unlimited Huffman code lengths, by merging the two lightest trees
/// (ties broken by symbol, so the result is deterministic).
fn huffman_lengths(freq: &[u32]) -> Vec<u8> {
    // Nodes: leaves first, then merged trees; `parent` links each to its tree.
    let mut weight: Vec<u64> = freq.iter().map(|&f| u64::from(f)).collect();
    let mut parent = vec![usize::MAX; freq.len()];
    let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, usize)>> =
        (0..freq.len()).filter(|&s| freq[s] > 0).map(|s| std::cmp::Reverse((weight[s], s))).collect();
    while heap.len() > 1 {
        let (Some(std::cmp::Reverse((wa, a))), Some(std::cmp::Reverse((wb, b)))) = (heap.pop(), heap.pop()) else {
            break;
        };
        let node = weight.len();
        weight.push(wa + wb);
        parent.push(usize::MAX);
        parent[a] = node;
        parent[b] = node;
        heap.push(std::cmp::Reverse((wa + wb, node)));
    }
    // A leaf's length is its depth; trees are created after their children,
    // so depths can be filled from the root down.
    let mut depth = vec![0u8; weight.len()];
    for node in (0..weight.len()).rev() {
        if parent[node] != usize::MAX {
            depth[node] = depth[parent[node]].saturating_add(1);
        }
    }
    (0..freq.len()).map(|s| if freq[s] > 0 { depth[s] } else { 0 }).collect()
}

/// The canonical code of each symbol (RFC 1951, 3.2.2), bit-reversed: deflate
/// sends Huffman codes most significant bit first into a stream that is
/// filled from the least significant bit.
fn canonical_codes(lengths: &[u8]) -> Vec<u32> {
    let mut count = [0u32; 16];
    for &l in lengths.iter().filter(|&&l| l > 0) {
        count[usize::from(l)] += 1;
    }
    let mut next = [0u32; 16];
    let mut code = 0;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lengths
        .iter()
        .map(|&l| {
            if l == 0 {
                return 0;
            }
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            c.reverse_bits() >> (32 - u32::from(l))
        })
        .collect()
}

/// Bits appended to a byte vector, least significant first.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    buffer: u64,
    filled: u32,
}

impl BitWriter<'_> {
    /// Append the low `n` bits of `bits` (`n` ≤ 16).
    #[inline]
    fn put(&mut self, bits: u32, n: u32) {
        self.buffer |= u64::from(bits) << self.filled;
        self.filled += n;
        if self.filled >= 32 {
            self.out.extend_from_slice(&(self.buffer as u32).to_le_bytes());
            self.buffer >>= 32;
            self.filled -= 32;
        }
    }

    /// Write out the last bits, padded to a byte.
    fn finish(self) {
        let bytes = self.filled.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.buffer.to_le_bytes()[..bytes]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(n: usize, seed: u32) -> Vec<u8> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect()
    }

    fn inflate(z: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec_zlib(z).expect("a valid zlib stream")
    }

    #[test]
    fn streams_inflate_back_and_the_compressor_is_reusable() {
        let text = "BT /F0 10.5 Tf [<0001><0002>-12.5<0003>] TJ ET\n".repeat(500).into_bytes();
        let noise = noise(70_000, 7);
        let mut both = text.clone();
        both.extend_from_slice(&noise);
        for (input, split) in [
            (&text[..], text.len()),
            (&noise[..], noise.len()),
            (&b""[..], 0),
            (&text[..], text.len()),
            (&both[..], text.len()),
            (&noise[..], 0),
            (&b"x"[..], 0),
        ] {
            let z = zlib(input, split).unwrap();
            assert_eq!(z[0], 0x78, "a zlib header");
            assert_eq!(u16::from_be_bytes([z[0], z[1]]) % 31, 0, "zlib header check bits");
            assert_eq!(inflate(&z), input, "split at {split} of {}", input.len());
        }
        assert!(zlib(&text, text.len()).unwrap().len() < text.len() / 10);
        // The literal block codes skewed bytes in fewer than eight bits.
        let skewed: Vec<u8> = noise.iter().map(|&b| b % 16).collect();
        assert!(zlib(&skewed, 0).unwrap().len() < skewed.len() * 5 / 8);
    }

    #[test]
    fn lengths_are_limited_and_the_codes_complete() {
        // Fibonacci frequencies make the deepest unlimited Huffman tree.
        let mut fib = vec![1u32, 1];
        while fib.len() < 40 {
            fib.push(fib[fib.len() - 1] + fib[fib.len() - 2]);
        }
        for (freq, limit) in [(fib.clone(), 15), (fib[..19].to_vec(), 7), (vec![0, 0, 5, 0], 15), (vec![0; 19], 7)] {
            let lengths = code_lengths(&freq, limit);
            assert!(lengths.iter().all(|&l| l <= limit), "{lengths:?}");
            let kraft: f64 = lengths.iter().filter(|&&l| l > 0).map(|&l| 0.5f64.powi(i32::from(l))).sum();
            assert!((kraft - 1.0).abs() < 1e-12, "incomplete code {lengths:?}");
            for (f, l) in freq.iter().zip(&lengths) {
                assert!(*f == 0 || *l > 0, "a symbol that occurs has no code");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_data_split_anywhere_round_trips(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..3000),
            split in proptest::num::usize::ANY,
            alphabet in 1u16..=256,
        ) {
            let data: Vec<u8> = data.iter().map(|&b| (u16::from(b) % alphabet) as u8).collect();
            let split = split % (data.len() + 1);
            let z = zlib(&data, split).unwrap();
            proptest::prop_assert_eq!(inflate(&z), data);
        }
    }
}
