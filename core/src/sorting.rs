//! One sort for the whole program. Every `sort_by` call site with its own closure (or element
//! type) is its own compiled copy of the standard library's sort, 2–4 KB each in the browser
//! bundle; [`sort_by`] sorts positions (`u32`) through a `dyn` comparison instead, so all its
//! callers share one copy (BENCHMARKS.md, "Bundle size"). It is stable, like `slice::sort_by`.

//!
//! [`map`] and [`set`] build B-trees by inserting: `collect::<BTreeMap<_, _>>()` sorts its
//! input first, with yet another copy of the stable sort per element type.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// A map of the pairs (a later pair wins over an earlier one with its key, as with
/// `collect`), built without a sort.
pub fn map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    map
}

/// A set of the values, built without a sort.
pub fn set<T: Ord>(values: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for v in values {
        set.insert(v);
    }
    set
}

/// Sorts `v` by `cmp`, stably (equal elements keep their order).
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let order = positions(v.len(), &|a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// Sorts `v` by the key `key` gives each element (computed once per element), stably.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = positions(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
    permute(v, order);
}

/// The positions `0..n` in sorted order: the one instance of the standard sort.
#[inline(never)]
fn positions(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let n = u32::try_from(n).expect("fewer than 2^32 elements");
    let mut p: Vec<u32> = (0..n).collect();
    p.sort_by(|&a, &b| cmp(a as usize, b as usize));
    p
}

/// Rearranges `v` so that `v[i]` becomes the old `v[order[i]]`, in place (cycle by cycle).
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for start in 0..v.len() {
        let mut cur = start;
        // A visited position points at itself.
        while order[cur] as usize != start {
            let next = order[cur] as usize;
            v.swap(cur, next);
            order[cur] = cur as u32;
            cur = next;
        }
        order[cur] = cur as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sort, ties included.
        #[test]
        fn sorts_as_the_standard_stable_sort(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = v.clone();
            std.sort_by_key(|x| x.0);
            prop_assert_eq!(&ours, &std);
            let mut cached = v.clone();
            sort_by_cached_key(&mut cached, |x| x.0);
            prop_assert_eq!(&cached, &std);
        }
    }
}
