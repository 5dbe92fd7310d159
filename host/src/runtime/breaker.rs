//! The circuit breaker: after enough consecutive faults a plugin is suspended for a
//! cool-down, then one trial request decides whether it serves again.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::fault::FaultKind;

#[derive(Debug, Clone, Copy)]
enum State {
    /// Serving; counts faults in a row.
    Closed { consecutive_faults: u32 },
    /// Suspended until the instant.
    Open {
        until: Instant,
        last_fault: FaultKind,
    },
    /// One trial request is in flight.
    HalfOpen,
}

/// Whether a request may go to the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead.
    Admitted,
    /// Suspended; try again after this long.
    Suspended {
        /// Time left in the suspension.
        retry_after: Duration,
        /// The fault that tripped it.
        last_fault: FaultKind,
    },
}

/// What recording a fault did to the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tripped {
    /// Still serving.
    No,
    /// This fault suspended the plugin.
    Yes,
}

/// One plugin installation's breaker.
#[derive(Debug)]
pub struct Breaker {
    threshold: u32,
    cooldown: Duration,
    state: Mutex<State>,
}

impl Breaker {
    /// A closed breaker that opens after `threshold` consecutive faults for `cooldown`.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            cooldown,
            state: Mutex::new(State::Closed {
                consecutive_faults: 0,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means a panic elsewhere; the state itself is always valid.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks to send one request.
    pub fn admit(&self) -> Admission {
        let mut state = self.state();
        match *state {
            State::Closed { .. } => Admission::Admitted,
            State::Open { until, last_fault } => {
                let now = Instant::now();
                if now >= until {
                    *state = State::HalfOpen;
                    Admission::Admitted
                } else {
                    Admission::Suspended {
                        retry_after: until - now,
                        last_fault,
                    }
                }
            }
            State::HalfOpen => Admission::Suspended {
                retry_after: Duration::ZERO,
                last_fault: FaultKind::Suspended,
            },
        }
    }

    /// A call succeeded.
    pub fn record_success(&self) {
        *self.state() = State::Closed {
            consecutive_faults: 0,
        };
    }

    /// A call faulted with `kind`.
    pub fn record_fault(&self, kind: FaultKind) -> Tripped {
        if !kind.counts_against_plugin() {
            return Tripped::No;
        }
        let mut state = self.state();
        let faults = match *state {
            State::Closed { consecutive_faults } => consecutive_faults + 1,
            // A failed trial goes straight back to suspension.
            State::HalfOpen | State::Open { .. } => self.threshold,
        };
        if faults >= self.threshold {
            *state = State::Open {
                until: Instant::now() + self.cooldown,
                last_fault: kind,
            };
            Tripped::Yes
        } else {
            *state = State::Closed {
                consecutive_faults: faults,
            };
            Tripped::No
        }
    }

    /// Whether the plugin is suspended right now.
    pub fn is_suspended(&self) -> bool {
        matches!(*self.state(), State::Open { until, .. } if Instant::now() < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trips_after_threshold_consecutive_faults_and_recovers_after_a_good_trial() {
        let breaker = Breaker::new(3, Duration::from_millis(30));
        assert_eq!(breaker.record_fault(FaultKind::Trap), Tripped::No);
        breaker.record_success();
        assert_eq!(breaker.record_fault(FaultKind::Trap), Tripped::No);
        assert_eq!(breaker.record_fault(FaultKind::Timeout), Tripped::No);
        assert_eq!(breaker.record_fault(FaultKind::Memory), Tripped::Yes);
        assert!(matches!(
            breaker.admit(),
            Admission::Suspended {
                last_fault: FaultKind::Memory,
                ..
            }
        ));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(
            breaker.admit(),
            Admission::Admitted,
            "trial after cool-down"
        );
        assert!(
            matches!(breaker.admit(), Admission::Suspended { .. }),
            "one trial at a time"
        );
        breaker.record_success();
        assert_eq!(breaker.admit(), Admission::Admitted);
    }

    #[test]
    fn a_failed_trial_suspends_again_and_overload_does_not_count() {
        let breaker = Breaker::new(1, Duration::ZERO);
        assert_eq!(breaker.record_fault(FaultKind::Overloaded), Tripped::No);
        assert_eq!(breaker.record_fault(FaultKind::Trap), Tripped::Yes);
        assert_eq!(breaker.admit(), Admission::Admitted);
        assert_eq!(breaker.record_fault(FaultKind::Trap), Tripped::Yes);
    }
}
