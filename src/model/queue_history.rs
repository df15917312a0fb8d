//! The supervisor page's chart data: how many items were Open (In queue) in each supervised
//! queue over the last hour, one peak per minute. The centre records a queue's count after
//! every event it folds ([`QueueHistory::record`], O(log q)), so the history is exact at the
//! minute's grain and costs nothing while nobody supervises. It lives beside the engine, not
//! in the page, so leaving and re-entering `/supervisor` keeps the curve; it is not saved (a
//! reload starts a fresh hour).

use omnidesk_core::QueueId;
use std::collections::{BTreeMap, VecDeque};

/// One sample a minute.
pub const BUCKET_MS: u64 = 60_000;
/// Sixty of them: the last hour.
pub const BUCKETS: u64 = 60;

/// A minute's record: its number, the peak count in it, the count at its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bucket {
    minute: u64,
    peak: u32,
    last: u32,
}

/// The last hour of In queue counts per queue.
#[derive(Clone, Debug, Default)]
pub struct QueueHistory {
    queues: BTreeMap<QueueId, VecDeque<Bucket>>,
}

impl QueueHistory {
    /// `queue` holds `open` Open items at `at`.
    pub fn record(&mut self, queue: &QueueId, at: u64, open: u32) {
        let minute = at / BUCKET_MS;
        let buckets = self.queues.entry(queue.clone()).or_default();
        match buckets.back_mut() {
            Some(b) if b.last == open && b.minute <= minute => {}
            Some(b) if b.minute >= minute => {
                b.peak = b.peak.max(open);
                b.last = open;
            }
            _ => buckets.push_back(Bucket {
                minute,
                peak: open,
                last: open,
            }),
        }
        // Keep one bucket older than the hour: it carries the count into the window.
        while buckets.len() > 1 && buckets[1].minute + BUCKETS <= minute {
            buckets.pop_front();
        }
    }

    /// The last hour up to `now`, oldest minute first: each minute's peak (`None` before the
    /// first record). `open_now` is today's count (the last minute's floor).
    pub fn minutes(&self, queue: &QueueId, now: u64, open_now: u32) -> Vec<Option<u32>> {
        let end = now / BUCKET_MS;
        let start = end + 1 - BUCKETS.min(end + 1);
        let empty = VecDeque::new();
        let buckets = self.queues.get(queue).unwrap_or(&empty);
        let mut carried: Option<u32> = None;
        let mut i = 0;
        let mut out = Vec::with_capacity(BUCKETS as usize);
        for minute in start..=end {
            let mut value = carried;
            while i < buckets.len() && buckets[i].minute <= minute {
                let b = buckets[i];
                value = Some(if b.minute == minute {
                    b.peak.max(carried.unwrap_or(0))
                } else {
                    b.last
                });
                carried = Some(b.last);
                i += 1;
            }
            out.push(value);
        }
        if let Some(last) = out.last_mut() {
            *last = Some(last.unwrap_or(0).max(open_now));
        }
        out
    }
}

/// The chart's text alternative: the count now and the peak of the hour.
pub fn summary(minutes: &[Option<u32>], now: u32) -> String {
    let peak = minutes
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(now)
        .max(now);
    format!("{now} in queue now, peak {peak} in the last hour")
}

/// The chart's polyline points in a `width` × `height` box (y grows downward), scaled to the
/// peak; minutes before the first record are left out.
pub fn polyline(minutes: &[Option<u32>], width: u32, height: u32) -> String {
    let peak = minutes.iter().flatten().copied().max().unwrap_or(0).max(1);
    let n = minutes.len().max(2) - 1;
    let mut points: Vec<(u32, u32)> = minutes
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i as u32 * width / n as u32, height - v * height / peak)))
        .collect();
    // A single minute is drawn as a short step, so it shows.
    if let [(x, y)] = points[..] {
        points.insert(0, (x.saturating_sub(width / n as u32), y));
    }
    points
        .iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> QueueId {
        QueueId::from("general")
    }

    #[test]
    fn a_minute_keeps_its_peak_and_carries_its_last_count_on() {
        let mut h = QueueHistory::default();
        h.record(&q(), 0, 1);
        h.record(&q(), 10_000, 4);
        h.record(&q(), 20_000, 2);
        let m = h.minutes(&q(), 3 * BUCKET_MS, 2);
        assert_eq!(m, vec![Some(4), Some(2), Some(2), Some(2)]);
        assert_eq!(summary(&m, 2), "2 in queue now, peak 4 in the last hour");
    }

    #[test]
    fn the_window_is_one_hour_and_older_minutes_carry_in() {
        let mut h = QueueHistory::default();
        h.record(&q(), 0, 9);
        h.record(&q(), BUCKET_MS, 3);
        let now = 100 * BUCKET_MS;
        let m = h.minutes(&q(), now, 0);
        assert_eq!(m.len(), BUCKETS as usize);
        assert_eq!(m[0], Some(3)); // the count went on being 3 until now
        assert_eq!(m[59], Some(3));
        h.record(&q(), now, 0);
        assert_eq!(
            h.queues[&q()].len(),
            2,
            "the minutes older than the hour are dropped"
        );
    }

    #[test]
    fn no_record_means_no_line_before_now() {
        let h = QueueHistory::default();
        let m = h.minutes(&q(), 5 * BUCKET_MS, 0);
        assert_eq!(m[..5], [None; 5]);
        assert_eq!(m[5], Some(0));
        assert_eq!(polyline(&m, 120, 30), "96,30 120,30");
    }
}
