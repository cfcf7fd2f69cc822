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

struct Entry<E> {
    time: SimTime,
    seq: u64,
    /// `NO_SLOT` for events that cannot be cancelled.
    slot: u32,
    event: E,
}

impl<E> Entry<E> {
    /// True when `self` comes out of the calendar before `other`: earlier time, then earlier
    /// insertion sequence.
    fn precedes(&self, other: &Self) -> bool {
        match self.time.cmp(&other.time) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => self.seq < other.seq,
        }
    }
}

const NO_SLOT: u32 = u32::MAX;
/// Children per heap node: a 4-ary heap is half as deep as a binary one, which makes a pop
/// cheaper at the price of more comparisons per level.
const ARITY: usize = 4;
/// The position of a slot with no pending event.
const NOT_QUEUED: u32 = u32::MAX;

/// The event calendar: an indexed 4-ary min-heap ordered by (time, insertion sequence).
///
/// Every entry is live: a slot's position in the heap is tracked, so rescheduling or cancelling
/// it moves or removes the entry in place rather than leaving a stale copy to skip later.
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    /// Per slot: the heap index of its pending event, or `NOT_QUEUED`.
    positions: Vec<u32>,
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
            positions: Vec::new(),
            now: SimTime::ZERO,
            next_seq: 0,
            popped: 0,
        }
    }

    /// An empty calendar with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: Vec::with_capacity(capacity),
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

    fn entry(&mut self, time: SimTime, slot: u32, event: E) -> Entry<E> {
        let seq = self.next_seq;
        self.next_seq += 1;
        Entry {
            time,
            seq,
            slot,
            event,
        }
    }

    /// Records that the entry at heap index `index` sits there.
    fn place(&mut self, index: usize) {
        let slot = self.heap[index].slot;
        if slot != NO_SLOT {
            self.positions[slot as usize] = index as u32;
        }
    }

    /// Moves the entry at `index` toward the root until its parent precedes it.
    fn sift_up(&mut self, mut index: usize) {
        while index > 0 {
            let parent = (index - 1) / ARITY;
            if !self.heap[index].precedes(&self.heap[parent]) {
                break;
            }
            self.heap.swap(index, parent);
            self.place(index);
            index = parent;
        }
        self.place(index);
    }

    /// The heap index of the earliest child of `index`, if it has children.
    fn earliest_child(&self, index: usize) -> Option<usize> {
        let first = ARITY * index + 1;
        let last = (first + ARITY).min(self.heap.len());
        (first < last).then(|| {
            (first + 1..last).fold(first, |best, child| {
                if self.heap[child].precedes(&self.heap[best]) {
                    child
                } else {
                    best
                }
            })
        })
    }

    /// Moves the entry at `index` toward the leaves until it precedes all its children.
    fn sift_down(&mut self, mut index: usize) {
        while let Some(child) = self.earliest_child(index) {
            if !self.heap[child].precedes(&self.heap[index]) {
                break;
            }
            self.heap.swap(index, child);
            self.place(index);
            index = child;
        }
        self.place(index);
    }

    /// Restores the heap order around `index` after its entry was replaced.
    fn restore(&mut self, index: usize) {
        if index > 0 && self.heap[index].precedes(&self.heap[(index - 1) / ARITY]) {
            self.sift_up(index);
        } else {
            self.sift_down(index);
        }
    }

    fn push(&mut self, entry: Entry<E>) {
        self.heap.push(entry);
        self.sift_up(self.heap.len() - 1);
    }

    /// Takes the entry at heap index `index` out of the calendar.
    fn remove_at(&mut self, index: usize) -> Entry<E> {
        let entry = self.heap.swap_remove(index);
        if entry.slot != NO_SLOT {
            self.positions[entry.slot as usize] = NOT_QUEUED;
        }
        if index < self.heap.len() {
            self.restore(index);
        }
        entry
    }

    /// Schedules `event` at absolute time `days` [working days]; it cannot be cancelled.
    pub fn schedule_at(&mut self, days: f64, event: E) -> Result<(), ScheduleError> {
        let time = self.check(days)?;
        let entry = self.entry(time, NO_SLOT, event);
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
        let index = slot.0 as usize;
        if index >= self.positions.len() {
            self.positions.resize(index + 1, NOT_QUEUED);
        }
        let entry = self.entry(time, slot.0, event);
        match self.positions[index] {
            NOT_QUEUED => self.push(entry),
            position => {
                let position = position as usize;
                self.heap[position] = entry;
                self.restore(position);
            }
        }
        Ok(())
    }

    /// Cancels the pending event of `slot`, if any. Cost O(log n).
    pub fn cancel(&mut self, slot: Slot) {
        if let Some(&position) = self.positions.get(slot.0 as usize) {
            if position != NOT_QUEUED {
                self.remove_at(position as usize);
            }
        }
    }

    /// The time of `slot`'s pending event, or `None` when it has none (never scheduled,
    /// cancelled or delivered).
    pub fn slot_time(&self, slot: Slot) -> Option<SimTime> {
        match self.positions.get(slot.0 as usize) {
            Some(&position) if position != NOT_QUEUED => Some(self.heap[position as usize].time),
            _ => None,
        }
    }

    /// Removes and returns the earliest event, advancing the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if self.heap.is_empty() {
            return None;
        }
        let entry = self.remove_at(0);
        self.now = entry.time;
        self.popped += 1;
        Some((entry.time, entry.event))
    }

    /// The time of the earliest pending event, without popping it.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|entry| entry.time)
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

    /// One step of a random calendar workload for the property test below.
    #[derive(Clone, Debug)]
    enum Op {
        /// Schedule a plain event this many days ahead.
        Plain(f64),
        /// Schedule (or reschedule) the slot's event this many days ahead.
        InSlot(u32, f64),
        Cancel(u32),
        Pop,
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        // Delays on a coarse grid, so that ties in time are frequent.
        let delay = (0u32..8).prop_map(|d| f64::from(d) * 0.5);
        prop_oneof![
            delay.clone().prop_map(Op::Plain),
            (0u32..6, delay).prop_map(|(s, d)| Op::InSlot(s, d)),
            (0u32..6).prop_map(Op::Cancel),
            Just(Op::Pop),
            Just(Op::Pop),
        ]
    }

    proptest::proptest! {
        /// The calendar delivers exactly what a naive reference delivers: every live event in
        /// (time, scheduling order), a slot holding only its latest event, cancelled events never.
        #[test]
        fn calendar_matches_a_naive_reference(ops in proptest::collection::vec(op(), 0..300)) {
            let mut queue = EventQueue::new();
            // Reference: (time, sequence, slot, label) of every live event.
            let mut live: Vec<(f64, u64, Option<u32>, u64)> = Vec::new();
            let mut now = 0.0;
            for (label, op) in (0u64..).zip(ops.iter().chain(std::iter::repeat_n(&Op::Pop, 300))) {
                match *op {
                    Op::Plain(delay) => {
                        queue.schedule_at(now + delay, label).unwrap();
                        live.push((now + delay, label, None, label));
                    }
                    Op::InSlot(slot, delay) => {
                        queue.schedule_in_slot(now + delay, Slot(slot), label).unwrap();
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
                        proptest::prop_assert_eq!(got, expected.map(|(_, t, e)| (t, e)));
                        if let Some((i, t, _)) = expected {
                            live.remove(i);
                            now = t;
                        }
                    }
                }
                proptest::prop_assert_eq!(queue.len(), live.len());
                for slot in 0..6 {
                    let pending = live.iter().find(|e| e.2 == Some(slot)).map(|e| e.0);
                    proptest::prop_assert_eq!(queue.slot_time(Slot(slot)).map(SimTime::days), pending);
                }
            }
        }
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
