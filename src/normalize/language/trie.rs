//! The word model's words as a trie over their characters.
//!
//! Segmenting tries pieces that grow one character at a time from each
//! position (`医`, `医生`, `医生说` …) and stops at the first that no word
//! begins with. Keyed by the whole piece, every step hashed and compared the
//! piece again (and built it in a buffer); here a step is one look-up of
//! (node, character), a single integer, from the node the piece before it
//! reached. Ranking a hole's candidates is mostly such steps: a 200-article
//! book went from 2,024M to 1,922M instructions, and building the model
//! from 36M to 33M.
//!
//! Trie crates store children in sorted arrays or double arrays, which take
//! far longer to build (jieba-rs's double array took about 17 ms, most of a
//! one-article process); one hash map of all the edges builds in one pass
//! over the word list, as the map of pieces it replaces did.

use rustc_hash::FxHashMap;

/// A node of the [`Trie`]: a piece that some word begins with (or is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Node(u32);

/// Words and their log-probabilities, and every beginning of a word.
pub(super) struct Trie {
    /// The nodes of the pieces of one character of the Basic Multilingual
    /// Plane, by character (0: none): most steps are from the root (every
    /// one-character token is looked up), and a table of 256 KB stays in
    /// the cache where the edges' map, ten times larger, does not.
    root: Vec<u32>,
    /// (node, character) → the node of the piece one character longer.
    /// Fx-hashed: the keys are the crate's own list, so SipHash's
    /// protection against chosen keys buys nothing here.
    edges: FxHashMap<u64, u32>,
    /// By node: the word's log-probability, or `-∞` for a piece that only
    /// begins words. Node 0 is the empty piece.
    values: Vec<f64>,
}

impl Trie {
    /// The empty piece, from which every word begins.
    pub const ROOT: Node = Node(0);

    /// An empty trie with room for about `nodes` nodes.
    pub fn with_capacity(nodes: usize) -> Trie {
        let mut edges = FxHashMap::default();
        edges.reserve(nodes);
        let mut values = Vec::with_capacity(nodes + 1);
        values.push(f64::NEG_INFINITY);
        Trie { root: vec![0; 0x1_0000], edges, values }
    }

    /// Add `word` with `value` (replacing the value it had, if it was added
    /// before); its beginnings become nodes too. Each character is shown to
    /// `each` on the way; returns how many there are.
    pub fn insert(&mut self, word: &str, value: f64, mut each: impl FnMut(char)) -> usize {
        let mut node = Self::ROOT;
        let mut chars = 0;
        for c in word.chars() {
            each(c);
            chars += 1;
            let next = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
            let child = match self.root.get_mut(c as usize).filter(|_| node == Self::ROOT) {
                Some(slot) => {
                    if *slot == 0 {
                        *slot = next;
                    }
                    *slot
                }
                None => *self.edges.entry(edge(node, c)).or_insert(next),
            };
            if child == next {
                self.values.push(f64::NEG_INFINITY);
            }
            node = Node(child);
        }
        if let Some(slot) = self.values.get_mut(node.0 as usize).filter(|_| node != Self::ROOT) {
            *slot = value;
        }
        chars
    }

    /// The piece of `node` followed by `c`, if a word begins with it.
    #[inline]
    pub fn step(&self, node: Node, c: char) -> Option<Node> {
        if node == Self::ROOT {
            if let Some(&child) = self.root.get(c as usize) {
                return (child != 0).then_some(Node(child));
            }
        }
        self.edges.get(&edge(node, c)).map(|&n| Node(n))
    }

    /// The log-probability of the word `node` is, or `-∞` if it only begins
    /// words.
    #[inline]
    pub fn value(&self, node: Node) -> f64 {
        self.values.get(node.0 as usize).copied().unwrap_or(f64::NEG_INFINITY)
    }

    /// The node of `piece` (not empty), if some word begins with it.
    pub fn find(&self, piece: &str) -> Option<Node> {
        if piece.is_empty() {
            return None;
        }
        piece.chars().try_fold(Self::ROOT, |node, c| self.step(node, c))
    }

    /// The value of `piece`: `Some` of its log-probability if it is a word,
    /// `Some(-∞)` if it only begins words, `None` if no word begins with it.
    pub fn get(&self, piece: &str) -> Option<f64> {
        self.find(piece).map(|node| self.value(node))
    }

    /// The log-probabilities of the words, in no order.
    pub fn word_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().copied().filter(|v| v.is_finite())
    }
}

/// The key of the edge from `node` by `c`.
#[inline]
fn edge(node: Node, c: char) -> u64 {
    (u64::from(node.0) << 32) | u64::from(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_beginnings_and_strangers() {
        let mut trie = Trie::with_capacity(8);
        assert_eq!(trie.insert("𠀀的", -3.0, |_| {}), 2); // a first character outside the table of the root
        assert_eq!(trie.get("𠀀的"), Some(-3.0));
        assert_eq!(trie.get("𠀀"), Some(f64::NEG_INFINITY));
        trie.insert("医生", -5.0, |_| {});
        trie.insert("医", -7.0, |_| {});
        trie.insert("医生们", -9.0, |_| {});
        trie.insert("医", -6.0, |_| {}); // listed again: the last value holds
        assert_eq!(trie.get("医"), Some(-6.0));
        assert_eq!(trie.get("医生"), Some(-5.0));
        assert_eq!(trie.get("医生们"), Some(-9.0));
        trie.insert("中华人民", -8.0, |_| {});
        assert_eq!(trie.get("中华"), Some(f64::NEG_INFINITY)); // a beginning only
        assert_eq!(trie.get("华人"), None);
        assert_eq!(trie.get(""), None);
        let doctor = trie.find("医").and_then(|n| trie.step(n, '生')).unwrap();
        assert_eq!(Some(doctor), trie.find("医生"));
        assert_eq!(trie.step(doctor, '说'), None);
        let mut values: Vec<f64> = trie.word_values().collect();
        values.sort_by(f64::total_cmp);
        assert_eq!(values, [-9.0, -8.0, -6.0, -5.0, -3.0]);
    }
}
