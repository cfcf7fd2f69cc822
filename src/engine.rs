//! The discrete-event core: simulation time, the event calendar and the lazy relaxation helper.
//!
//! The engine knows nothing about management. A model defines its own event type `E` and drives
//! an [`EventQueue<E>`]: it schedules events at future times, pops them in time order, and
//! cancels whole families of pending events by bumping a generation counter. Ties in time come out
//! in the order they were scheduled, so a run is a pure function of its random streams.
//!
//! Slow continuous states (engagement, trust, exhaustion...) are not ticked daily. They relax
//! exponentially toward a target that changes only at events ([`Relaxing`]), and threshold
//! crossings have a closed-form time that the model schedules as an ordinary event.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
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

/// A handle to a family of cancellable events (for example "the next completion of person 7").
///
/// Scheduling with a slot records the slot's current generation; [`EventQueue::cancel`] bumps
/// the generation, and every event scheduled before that is skipped when it reaches the front.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slot(pub u32);

struct Entry<E> {
    time: SimTime,
    seq: u64,
    /// `u32::MAX` for events that cannot be cancelled.
    slot: u32,
    generation: u32,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // `BinaryHeap` is a max-heap: reverse so the earliest (time, seq) is on top.
        other
            .time
            .cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

const NO_SLOT: u32 = u32::MAX;

/// The event calendar: a binary heap ordered by (time, insertion sequence).
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    generations: Vec<u32>,
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
            heap: BinaryHeap::new(),
            generations: Vec::new(),
            now: SimTime::ZERO,
            next_seq: 0,
            popped: 0,
        }
    }

    /// An empty calendar with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            ..Self::new()
        }
    }

    /// The time of the event popped last (zero before the first pop).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Number of events delivered by [`pop`](Self::pop) so far (stale events not counted).
    pub fn delivered(&self) -> u64 {
        self.popped
    }

    /// Number of pending entries, stale ones included.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no entries are pending.
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

    fn push(&mut self, time: SimTime, slot: u32, generation: u32, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry {
            time,
            seq,
            slot,
            generation,
            event,
        });
    }

    /// Schedules `event` at absolute time `days` [working days]; it cannot be cancelled.
    pub fn schedule_at(&mut self, days: f64, event: E) -> Result<(), ScheduleError> {
        let time = self.check(days)?;
        self.push(time, NO_SLOT, 0, event);
        Ok(())
    }

    /// Schedules `event` after `delay` [working days] from now.
    pub fn schedule_in(&mut self, delay: f64, event: E) -> Result<(), ScheduleError> {
        self.schedule_at(self.now.days() + delay, event)
    }

    /// Schedules `event` at `days` as a member of `slot`'s family: a later
    /// [`cancel`](Self::cancel) of the slot drops it.
    pub fn schedule_in_slot(
        &mut self,
        days: f64,
        slot: Slot,
        event: E,
    ) -> Result<(), ScheduleError> {
        let time = self.check(days)?;
        let index = slot.0 as usize;
        if index >= self.generations.len() {
            self.generations.resize(index + 1, 0);
        }
        let generation = self.generations[index];
        self.push(time, slot.0, generation, event);
        Ok(())
    }

    /// Cancels every pending event of `slot`. Cost O(1): stale entries are skipped on pop.
    pub fn cancel(&mut self, slot: Slot) {
        if let Some(generation) = self.generations.get_mut(slot.0 as usize) {
            *generation = generation.wrapping_add(1);
        }
    }

    /// Removes and returns the earliest live event, advancing the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        while let Some(entry) = self.heap.pop() {
            if entry.slot != NO_SLOT && self.generations[entry.slot as usize] != entry.generation {
                continue;
            }
            self.now = entry.time;
            self.popped += 1;
            return Some((entry.time, entry.event));
        }
        None
    }

    /// The time of the earliest pending entry (possibly stale), without popping it.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|entry| entry.time)
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
