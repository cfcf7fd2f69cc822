//! The discrete-event core: simulation time, the event calendar and the lazy relaxation helper.
//!
//! The engine knows nothing about management. A model defines its own event type `E` and drives
//! an [`EventQueue<E>`]: it schedules events at future times, pops them in time order, and
//! reschedules or cancels the one pending event of a [`Slot`] in place. Ties in time come out
//! in the order they were scheduled, so a run is a pure function of its random streams.
//!
//! Slow continuous states (engagement, trust, exhaustion...) are not ticked daily. They relax
//! exponentially toward a target that changes only at events ([`Relaxing`]), and threshold
//! crossings have a closed-form time that the model schedules as an ordinary event.

use std::cmp::Ordering;
use std::fmt;

/// A point in simulated time [working days]. Always finite, so it has a total order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SimTime(f64);

impl SimTime {
    /// The start of every replication.
    pub const ZERO: SimTime = SimTime(0.0);

    /// A time in working days; `None` for NaN or an infinity.
    pub fn new(days: f64) -> Option<SimTime> {
        days.is_finite().then_some(SimTime(days))
    }

    /// The time in working days.
    pub fn days(self) -> f64 {
        self.0
    }
}

impl Eq for SimTime {}

impl PartialOrd for SimTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SimTime {
    fn cmp(&self, other: &Self) -> Ordering {
        // Both values are finite by construction, so `total_cmp` agrees with `<` here.
        self.0.total_cmp(&other.0)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "day {:.3}", self.0)
    }
}

/// Why an event could not be scheduled.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    /// The requested time lies before the current simulation time.
    #[error("cannot schedule at day {requested} before the current time, day {now}")]
    InThePast { requested: f64, now: f64 },
    /// The requested time or delay is NaN or infinite.
    #[error("cannot schedule at a non-finite time ({0})")]
    NotFinite(f64),
}

/// A handle to one cancellable event (for example "the next completion of person 7").
///
/// A slot holds at most one pending event. Scheduling in a slot replaces its pending event, and
/// [`EventQueue::cancel`] removes it; the calendar knows where each slot's event sits, so both
/// are O(log n) and leave nothing behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slot(pub u32);

/// A pending event's place in the calendar: its order and where the rest of it is kept.
///
/// The event itself waits in `EventQueue::events`, so an entry is a small `Copy` value and the
/// heap moves entries by plain copies. A sift takes the moving entry out once, shifts parents
/// (or children) into the hole it leaves, one write per level, and writes the entry once where
/// the hole stops.
#[derive(Clone, Copy)]
struct Entry {
    /// The entry's time as a [`time_key`].
    time: u64,
    /// Insertion sequence: among entries at the same time, the lower comes out first.
    seq: u64,
    /// Index into `EventQueue::positions`: the slot number plus one, or `PLAIN`.
    position: u32,
    /// Index into `EventQueue::events`.
    event: u32,
}

impl Entry {
    /// The calendar's order as one integer, time above sequence: one entry comes out before
    /// another exactly when its order is lower. Comparing two orders is a single `u128`
    /// comparison, which compiles to a compare and a subtract-with-borrow, free of branches.
    fn order(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
    }
}

/// `time` as an unsigned integer in the same order as [`SimTime`]: the bit transform of
/// `f64::total_cmp`, after which signed integer order is `SimTime` order, then the sign bit
/// flipped, which turns signed order into unsigned order.
fn time_key(time: SimTime) -> u64 {
    let bits = time.0.to_bits() as i64;
    (bits ^ (((bits >> 63) as u64) >> 1) as i64) as u64 ^ (1 << 63)
}

/// The time of a [`time_key`] (the transform is its own inverse, as it keeps the sign bit).
fn key_time(key: u64) -> SimTime {
    let bits = (key ^ (1 << 63)) as i64;
    SimTime(f64::from_bits(
        (bits ^ (((bits >> 63) as u64) >> 1) as i64) as u64,
    ))
}

/// The one slot number that cannot be used: its position index, `slot + 1`, would not fit.
const NO_SLOT: u32 = u32::MAX;
/// `Entry::position` of events that cannot be cancelled: `positions[0]` takes their (unread)
/// position updates, so moving an entry needs no branch on whether it has a slot.
const PLAIN: u32 = 0;
/// Children per heap node: a 4-ary heap is half as deep as a binary one, which makes a pop
/// cheaper at the price of more comparisons per level.
const ARITY: usize = 4;
const _: () = assert!(
    ARITY == 4,
    "EventQueue::earliest_child is written for four children"
);
/// The position of a slot with no pending event.
const NOT_QUEUED: u32 = u32::MAX;

/// The event calendar: an indexed 4-ary min-heap ordered by (time, insertion sequence).
///
/// Every entry is live: a slot's position in the heap is tracked, so rescheduling or cancelling
/// it moves or removes the entry in place rather than leaving a stale copy to skip later.
pub struct EventQueue<E> {
    heap: Vec<Entry>,
    /// At index `slot + 1`: the heap index of the slot's pending event, or `NOT_QUEUED`.
    /// Index `PLAIN` is written to but never read.
    positions: Vec<u32>,
    /// The pending events, at their entries' `event` index; `None` at the indices in `free`.
    events: Vec<Option<E>>,
    /// Indices of `events` free for reuse.
    free: Vec<u32>,
    now: SimTime,
    next_seq: u64,
    popped: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty calendar at time zero.
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::new(),
            positions: vec![NOT_QUEUED],
            events: Vec::new(),
            free: Vec::new(),
            now: SimTime::ZERO,
            next_seq: 0,
            popped: 0,
        }
    }

    /// An empty calendar with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
            events: Vec::with_capacity(capacity),
            ..Self::new()
        }
    }

    /// The time of the event popped last (zero before the first pop).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Number of events delivered by [`pop`](Self::pop) so far.
    pub fn delivered(&self) -> u64 {
        self.popped
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no events are pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    fn check(&self, days: f64) -> Result<SimTime, ScheduleError> {
        let time = SimTime::new(days).ok_or(ScheduleError::NotFinite(days))?;
        if time < self.now {
            return Err(ScheduleError::InThePast {
                requested: days,
                now: self.now.days(),
            });
        }
        Ok(time)
    }

    /// The entry of an event scheduled now at `time`, for `positions[position]` and
    /// `events[event]`.
    fn entry(&mut self, time: SimTime, position: u32, event: u32) -> Entry {
        let seq = self.next_seq;
        self.next_seq += 1;
        Entry {
            time: time_key(time),
            seq,
            position,
            event,
        }
    }

    /// Keeps `event` until its entry is popped or cancelled; returns its index in `events`.
    fn store(&mut self, event: E) -> u32 {
        match self.free.pop() {
            Some(index) => {
                self.events[index as usize] = Some(event);
                index
            }
            None => {
                self.events.push(Some(event));
                (self.events.len() - 1) as u32
            }
        }
    }

    /// Takes the event at `index` of `events` out, freeing the index.
    fn take(&mut self, index: u32) -> E {
        self.free.push(index);
        self.events[index as usize]
            .take()
            .expect("every entry in the heap has its event stored")
    }

    /// Writes `entry` at heap index `index` and records that it sits there.
    fn set(&mut self, index: usize, entry: Entry) {
        self.heap[index] = entry;
        self.positions[entry.position as usize] = index as u32;
    }

    /// Fills the hole at heap index `hole` with `entry`, first moving down every ancestor that
    /// `entry` precedes.
    fn sift_up(&mut self, mut hole: usize, entry: Entry) {
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            let above = self.heap[parent];
            if entry.order() >= above.order() {
                break;
            }
            self.set(hole, above);
            hole = parent;
        }
        self.set(hole, entry);
    }

    /// The heap index and entry of the earliest child of `index`, if it has children.
    fn earliest_child(&self, index: usize) -> Option<(usize, Entry)> {
        let first = ARITY * index + 1;
        let children = self.heap.get(first..)?;
        // With all four children present (at every parent but at most one), a tournament whose
        // comparisons select indices, which compiles without branches: which child is earliest
        // is close to a coin toss, so branches on it would often be mispredicted.
        if let Some(four) = children.first_chunk::<ARITY>() {
            let order = |i: usize| four[i].order();
            let ab = usize::from(order(1) < order(0));
            let cd = 2 + usize::from(order(3) < order(2));
            let earliest = if order(cd) < order(ab) { cd } else { ab };
            return Some((first + earliest, four[earliest]));
        }
        children
            .iter()
            .enumerate()
            .min_by_key(|(_, child)| child.order())
            .map(|(offset, &child)| (first + offset, child))
    }

    /// Fills the hole at heap index `hole` with `entry`, first moving up every earliest child
    /// that precedes `entry`.
    fn sift_down(&mut self, mut hole: usize, entry: Entry) {
        while let Some((child, below)) = self.earliest_child(hole) {
            if below.order() >= entry.order() {
                break;
            }
            self.set(hole, below);
            hole = child;
        }
        self.set(hole, entry);
    }

    /// Fills the hole at heap index `hole`, whose old entry was replaced or removed, with
    /// `entry`, moving it up or down to where the heap order holds.
    fn restore(&mut self, hole: usize, entry: Entry) {
        if hole > 0 && entry.order() < self.heap[(hole - 1) / ARITY].order() {
            self.sift_up(hole, entry);
        } else {
            self.sift_down(hole, entry);
        }
    }

    fn push(&mut self, entry: Entry) {
        let hole = self.heap.len();
        self.heap.push(entry);
        self.sift_up(hole, entry);
    }

    /// Takes the entry at heap index `index` out of the calendar; its event stays stored.
    fn remove_at(&mut self, index: usize) -> Entry {
        let removed = self.heap[index];
        self.positions[removed.position as usize] = NOT_QUEUED;
        let last = self.heap.pop().expect("index lies in the heap");
        if index < self.heap.len() {
            self.restore(index, last);
        }
        removed
    }

    /// Schedules `event` at absolute time `days` [working days]; it cannot be cancelled.
    pub fn schedule_at(&mut self, days: f64, event: E) -> Result<(), ScheduleError> {
        let time = self.check(days)?;
        let stored = self.store(event);
        let entry = self.entry(time, PLAIN, stored);
        self.push(entry);
        Ok(())
    }

    /// Schedules `event` after `delay` [working days] from now.
    pub fn schedule_in(&mut self, delay: f64, event: E) -> Result<(), ScheduleError> {
        self.schedule_at(self.now.days() + delay, event)
    }

    /// Schedules `event` at `days` as the one pending event of `slot`, replacing any event the
    /// slot already holds. It ties with other events at `days` as if newly scheduled.
    pub fn schedule_in_slot(
        &mut self,
        days: f64,
        slot: Slot,
        event: E,
    ) -> Result<(), ScheduleError> {
        debug_assert_ne!(slot.0, NO_SLOT, "slot {} is reserved", NO_SLOT);
        let time = self.check(days)?;
        let position = slot.0 as usize + 1;
        if position >= self.positions.len() {
            self.positions.resize(position + 1, NOT_QUEUED);
        }
        match self.positions[position] {
            NOT_QUEUED => {
                let stored = self.store(event);
                let entry = self.entry(time, position as u32, stored);
                self.push(entry);
            }
            index => {
                // The slot's entry is replaced in place, keeping its index in `events`.
                let index = index as usize;
                let stored = self.heap[index].event;
                self.events[stored as usize] = Some(event);
                let entry = self.entry(time, position as u32, stored);
                self.restore(index, entry);
            }
        }
        Ok(())
    }

    /// Cancels the pending event of `slot`, if any. Cost O(log n).
    pub fn cancel(&mut self, slot: Slot) {
        if let Some(&index) = self.positions.get(slot.0 as usize + 1) {
            if index != NOT_QUEUED {
                let removed = self.remove_at(index as usize);
                self.take(removed.event);
            }
        }
    }

    /// The time of `slot`'s pending event, or `None` when it has none (never scheduled,
    /// cancelled or delivered).
    pub fn slot_time(&self, slot: Slot) -> Option<SimTime> {
        match self.positions.get(slot.0 as usize + 1) {
            Some(&index) if index != NOT_QUEUED => Some(key_time(self.heap[index as usize].time)),
            _ => None,
        }
    }

    /// Removes and returns the earliest event, advancing the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if self.heap.is_empty() {
            return None;
        }
        let entry = self.remove_at(0);
        let time = key_time(entry.time);
        self.now = time;
        self.popped += 1;
        Some((time, self.take(entry.event)))
    }

    /// The time of the earliest pending event, without popping it.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|entry| key_time(entry.time))
    }
}

/// A continuous state that relaxes exponentially toward a target between events (MODEL-SPEC C.0):
/// `s(t) = s* + (s(t0) - s*) * exp(-(t - t0) / tau)`.
///
/// Rising and falling can have different time constants (trust builds slowly and collapses fast).
/// The closed form is exact, so the state is evaluated lazily, only when it is read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Relaxing {
    value: f64,
    target: f64,
    since: f64,
    tau_up: f64,
    tau_down: f64,
}

impl Relaxing {
    /// A state holding `value` at day `now`, relaxing toward itself until a target is set.
    ///
    /// `tau_up` and `tau_down` [working days, > 0] apply while the target lies above or below.
    pub fn new(value: f64, now: f64, tau_up: f64, tau_down: f64) -> Self {
        debug_assert!(tau_up > 0.0 && tau_down > 0.0);
        Relaxing {
            value,
            target: value,
            since: now,
            tau_up,
            tau_down,
        }
    }

    fn tau(&self) -> f64 {
        if self.target >= self.value {
            self.tau_up
        } else {
            self.tau_down
        }
    }

    /// The state at day `t` (`t` at or after the last change).
    pub fn at(&self, t: f64) -> f64 {
        let dt = (t - self.since).max(0.0);
        self.target + (self.value - self.target) * (-dt / self.tau()).exp()
    }

    /// The current target.
    pub fn target(&self) -> f64 {
        self.target
    }

    /// Settles the state at day `t` and relaxes toward `target` from then on.
    pub fn set_target(&mut self, t: f64, target: f64) {
        self.value = self.at(t);
        self.since = t;
        self.target = target;
    }

    /// Settles the state at day `t` and relaxes toward `target` with time constant `tau`
    /// [working days, > 0] in both directions (for linear dynamics `ds/dt = a (1 - s) - b s`,
    /// whose target `a/(a+b)` and time constant `1/(a+b)` change at events).
    pub fn retune(&mut self, t: f64, target: f64, tau: f64) {
        self.set_target(t, target);
        self.tau_up = tau;
        self.tau_down = tau;
    }

    /// Settles the state at day `t` and adds `delta` (a jump), keeping the target.
    pub fn jump(&mut self, t: f64, delta: f64, lo: f64, hi: f64) {
        self.value = (self.at(t) + delta).clamp(lo, hi);
        self.since = t;
    }

    /// Settles the state at day `t` and sets it to `value`, keeping the target.
    pub fn reset(&mut self, t: f64, value: f64) {
        self.value = value;
        self.since = t;
    }

    /// The first day at or after the last change on which the state reaches `threshold`, if it
    /// ever does under the current target: `t_c = t0 + tau * ln((s0 - s*) / (theta - s*))`.
    pub fn crossing_time(&self, threshold: f64) -> Option<f64> {
        let start = self.value - self.target;
        let end = threshold - self.target;
        if start == 0.0 || end == 0.0 || start.signum() != end.signum() || end.abs() > start.abs() {
            // Already past the threshold, or relaxing away from it, or it is the asymptote.
            return if self.value == threshold {
                Some(self.since)
            } else {
                None
            };
        }
        Some(self.since + self.tau() * (start / end).ln())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::{collection, test_runner::TestCaseError};

    #[test]
    fn ties_come_out_in_insertion_order() {
        let mut queue = EventQueue::new();
        for label in 0..5 {
            queue.schedule_at(1.0, label).unwrap();
        }
        queue.schedule_at(0.5, 99).unwrap();
        let order: Vec<i32> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec![99, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn scheduling_in_the_past_is_an_error() {
        let mut queue = EventQueue::new();
        queue.schedule_at(2.0, ()).unwrap();
        queue.pop();
        assert_eq!(
            queue.schedule_at(1.0, ()),
            Err(ScheduleError::InThePast {
                requested: 1.0,
                now: 2.0
            })
        );
        assert!(matches!(
            queue.schedule_in(f64::NAN, ()),
            Err(ScheduleError::NotFinite(_))
        ));
    }

    #[test]
    fn cancelled_slots_are_skipped() {
        let mut queue = EventQueue::new();
        queue.schedule_in_slot(1.0, Slot(3), "old").unwrap();
        queue.cancel(Slot(3));
        queue.schedule_in_slot(2.0, Slot(3), "new").unwrap();
        queue.schedule_at(1.5, "plain").unwrap();
        let order: Vec<&str> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!["plain", "new"]);
        assert_eq!(queue.delivered(), 2);
    }

    /// One step of a random calendar workload for the property tests below.
    #[derive(Clone, Debug)]
    enum Op {
        /// Schedule a plain event this many days ahead.
        Plain(f64),
        /// Schedule (or reschedule) the slot's event this many days ahead.
        InSlot(u32, f64),
        Cancel(u32),
        Pop,
    }

    /// Random steps over slots `0..slots`. Scheduling a plain event and scheduling in a slot
    /// each weigh `schedule_weight`, cancelling 1 and popping 2, so with a weight above 2 the
    /// calendar grows over the run.
    fn op(slots: u32, schedule_weight: u32) -> impl Strategy<Value = Op> {
        // Delays on a coarse grid, so that ties in time are frequent.
        let delay = (0u32..8).prop_map(|d| f64::from(d) * 0.5);
        prop_oneof![
            schedule_weight => delay.clone().prop_map(Op::Plain),
            schedule_weight => (0..slots, delay).prop_map(|(s, d)| Op::InSlot(s, d)),
            1 => (0..slots).prop_map(Op::Cancel),
            2 => Just(Op::Pop),
        ]
    }

    /// Runs `ops` on a calendar and on a naive reference, then pops both empty, and checks
    /// that they deliver exactly the same: every live event in (time, scheduling order), a
    /// slot holding only its latest event, cancelled events never.
    fn matches_naive_reference(ops: &[Op], slots: u32) -> Result<(), TestCaseError> {
        let mut queue = EventQueue::new();
        // Reference: (time, sequence, slot, label) of every live event.
        let mut live: Vec<(f64, u64, Option<u32>, u64)> = Vec::new();
        let mut now = 0.0;
        let drain = std::iter::repeat_n(&Op::Pop, ops.len());
        for (label, op) in (0u64..).zip(ops.iter().chain(drain)) {
            match *op {
                Op::Plain(delay) => {
                    queue.schedule_at(now + delay, label).unwrap();
                    live.push((now + delay, label, None, label));
                }
                Op::InSlot(slot, delay) => {
                    queue
                        .schedule_in_slot(now + delay, Slot(slot), label)
                        .unwrap();
                    live.retain(|e| e.2 != Some(slot));
                    live.push((now + delay, label, Some(slot), label));
                }
                Op::Cancel(slot) => {
                    queue.cancel(Slot(slot));
                    live.retain(|e| e.2 != Some(slot));
                }
                Op::Pop => {
                    let expected = live
                        .iter()
                        .enumerate()
                        .min_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(a.1 .1.cmp(&b.1 .1)))
                        .map(|(i, e)| (i, e.0, e.3));
                    let got = queue.pop().map(|(t, e)| (t.days(), e));
                    prop_assert_eq!(got, expected.map(|(_, t, e)| (t, e)));
                    if let Some((i, t, _)) = expected {
                        live.remove(i);
                        now = t;
                    }
                }
            }
            prop_assert_eq!(queue.len(), live.len());
            prop_assert_eq!(queue.peek_time().map(SimTime::days), {
                live.iter().map(|e| e.0).min_by(f64::total_cmp)
            });
            for slot in 0..slots {
                let pending = live.iter().find(|e| e.2 == Some(slot)).map(|e| e.0);
                prop_assert_eq!(queue.slot_time(Slot(slot)).map(SimTime::days), pending);
            }
        }
        prop_assert!(queue.is_empty());
        Ok(())
    }

    proptest! {
        /// A small calendar, mostly one or two levels deep, with few slots that are often
        /// rescheduled and cancelled.
        #[test]
        fn calendar_matches_a_naive_reference(ops in collection::vec(op(6, 1), 0..300)) {
            matches_naive_reference(&ops, 6)?;
        }

        /// A calendar that grows to one or two hundred events, four levels deep, like the
        /// management model's: most nodes have all four children.
        #[test]
        fn deep_calendar_matches_a_naive_reference(ops in collection::vec(op(64, 4), 0..600)) {
            matches_naive_reference(&ops, 64)?;
        }

        /// The integer key orders finite times exactly as `SimTime` does, and gives the time
        /// back bit for bit.
        #[test]
        fn time_key_keeps_the_order_of_time(a in finite(), b in finite()) {
            let (a, b) = (SimTime::new(a).unwrap(), SimTime::new(b).unwrap());
            prop_assert_eq!(time_key(a).cmp(&time_key(b)), a.cmp(&b));
            prop_assert_eq!(key_time(time_key(a)).days().to_bits(), a.days().to_bits());
        }
    }

    /// Any finite `f64`: normal, subnormal, both zeros, the extremes.
    fn finite() -> impl Strategy<Value = f64> {
        prop_oneof![
            proptest::num::f64::NORMAL
                | proptest::num::f64::SUBNORMAL
                | proptest::num::f64::ZERO
                | proptest::num::f64::POSITIVE
                | proptest::num::f64::NEGATIVE,
            Just(f64::MAX),
            Just(f64::MIN),
            Just(-0.0),
            Just(0.0),
        ]
    }

    #[test]
    fn sim_time_rejects_non_finite() {
        assert!(SimTime::new(f64::NAN).is_none());
        assert!(SimTime::new(f64::INFINITY).is_none());
        assert_eq!(SimTime::new(3.0).unwrap().days(), 3.0);
    }

    #[test]
    fn relaxation_matches_closed_form_and_crossing() {
        let mut state = Relaxing::new(0.2, 0.0, 30.0, 60.0);
        state.set_target(10.0, 0.9);
        let at = state.at(40.0);
        let expected = 0.9 + (0.2 - 0.9) * (-30.0f64 / 30.0).exp();
        assert!((at - expected).abs() < 1e-12);
        let crossing = state.crossing_time(0.8).unwrap();
        assert!((state.at(crossing) - 0.8).abs() < 1e-9);
        assert!(
            state.crossing_time(0.95).is_none(),
            "target below threshold"
        );
        // Falling uses the down time constant.
        state.set_target(crossing, 0.1);
        let down = state.at(crossing + 60.0);
        assert!((down - (0.1 + 0.7 * (-1.0f64).exp())).abs() < 1e-9);
    }
}
