//! The server's memory budget: bytes that calls reserve before they hold
//! memory that grows with their input, so that the defaults, under any mix of
//! calls they admit, stay inside the container's memory limit.
//!
//! Two things reserve: a request body while its messages arrive and are
//! decoded (the server's middleware, from the gRPC frame lengths), and a
//! ScoreRound's state as it grows (the gRPC layer's round fold, from the
//! round's footprint). A request body that cannot grow waits briefly for
//! memory to be freed (bodies free theirs as soon as a message is decoded),
//! then fails; a round fails at once (rounds free theirs only when they end,
//! so rounds waiting on each other would all time out together). Either way
//! the call ends with RESOURCE_EXHAUSTED. Reservations are returned when they
//! are dropped.
//!
//! Imports nothing of the crate.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::sync::Notify;

/// How long a reservation that cannot grow waits for others to free memory.
pub const WAIT_FOR_MEMORY: Duration = Duration::from_secs(1);

/// A server-wide budget of bytes, shared by clones.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limit: usize,
    used: AtomicUsize,
    freed: Notify,
}

/// A reservation could not grow: the budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the server's memory budget of {} MiB is spent ({} MiB more were needed); retry later or send smaller rounds",
    limit >> 20,
    (wanted + (1 << 20) - 1) >> 20
)]
pub struct Exhausted {
    /// Bytes the reservation tried to add.
    pub wanted: usize,
    /// The budget.
    pub limit: usize,
}

impl MemoryBudget {
    pub fn new(limit: usize) -> Self {
        Self { inner: Arc::new(Inner { limit, used: AtomicUsize::new(0), freed: Notify::new() }) }
    }

    pub fn limit(&self) -> usize {
        self.inner.limit
    }

    /// Bytes reserved now.
    pub fn used(&self) -> usize {
        self.inner.used.load(Ordering::Relaxed)
    }

    /// An empty reservation, to grow and shrink with [`Reservation::resize`].
    pub fn reservation(&self) -> Reservation {
        Reservation { budget: self.inner.clone(), bytes: 0 }
    }
}

/// Bytes held against a [`MemoryBudget`]; returned when dropped.
#[derive(Debug)]
pub struct Reservation {
    budget: Arc<Inner>,
    bytes: usize,
}

impl Reservation {
    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Holds exactly `bytes`: shrinking always succeeds, growing only within
    /// the budget (the reservation is unchanged when it cannot grow).
    pub fn try_resize(&mut self, bytes: usize) -> Result<(), Exhausted> {
        if bytes <= self.bytes {
            self.release(self.bytes - bytes);
            return Ok(());
        }
        let more = bytes - self.bytes;
        let limit = self.budget.limit;
        self.budget
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(more).filter(|&after| after <= limit)
            })
            .map_err(|_| Exhausted { wanted: more, limit })?;
        self.bytes = bytes;
        Ok(())
    }

    /// [`Self::try_resize`], waiting up to [`WAIT_FOR_MEMORY`] for other
    /// reservations to shrink when the budget is spent.
    pub async fn resize(&mut self, bytes: usize) -> Result<(), Exhausted> {
        let deadline = tokio::time::Instant::now() + WAIT_FOR_MEMORY;
        loop {
            let budget = self.budget.clone();
            let freed = budget.freed.notified();
            match self.try_resize(bytes) {
                Ok(()) => return Ok(()),
                Err(e) if tokio::time::Instant::now() >= deadline => return Err(e),
                Err(_) => {
                    let _ = tokio::time::timeout_at(deadline, freed).await;
                }
            }
        }
    }

    fn release(&mut self, bytes: usize) {
        if bytes > 0 {
            self.budget.used.fetch_sub(bytes, Ordering::AcqRel);
            self.bytes -= bytes;
            self.budget.freed.notify_waiters();
        }
    }
}

/// A reservation grown from inside a `poll` function (a request body's),
/// waiting for memory as [`Reservation::resize`] does.
pub struct PolledReservation {
    /// `None` while it grows.
    held: Option<Reservation>,
    growing: Option<Growing>,
}

type Growing = Pin<Box<dyn Future<Output = (Reservation, Result<(), Exhausted>)> + Send>>;

impl PolledReservation {
    pub fn new(reservation: Reservation) -> Self {
        Self { held: Some(reservation), growing: None }
    }

    /// Holds `bytes`, waiting for memory when the budget is spent. A caller
    /// that gets `Pending` calls again with the same `bytes` once woken.
    pub fn poll_resize(&mut self, bytes: usize, cx: &mut Context<'_>) -> Poll<Result<(), Exhausted>> {
        if self.growing.is_none() {
            let held = self.held.as_mut().expect("held when not growing");
            if held.try_resize(bytes).is_ok() {
                return Poll::Ready(Ok(()));
            }
            let mut reservation = self.held.take().expect("held when not growing");
            self.growing = Some(Box::pin(async move {
                let grown = reservation.resize(bytes).await;
                (reservation, grown)
            }));
        }
        let (reservation, grown) = ready!(self.growing.as_mut().expect("growing").as_mut().poll(cx));
        self.growing = None;
        self.held = Some(reservation);
        Poll::Ready(grown)
    }

    /// Shrinks to `bytes` (never waits); no-op while growing.
    pub fn shrink(&mut self, bytes: usize) {
        if let Some(held) = self.held.as_mut()
            && bytes <= held.bytes()
        {
            let _ = held.try_resize(bytes);
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.release(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_grow_within_the_budget_and_return_their_bytes_when_dropped() {
        let budget = MemoryBudget::new(1000);
        let mut a = budget.reservation();
        let mut b = budget.reservation();
        assert_eq!(a.try_resize(600), Ok(()));
        assert_eq!(b.try_resize(500), Err(Exhausted { wanted: 500, limit: 1000 }));
        assert_eq!(b.bytes(), 0, "a failed growth holds nothing more");
        assert_eq!(b.try_resize(400), Ok(()));
        assert_eq!(budget.used(), 1000);
        a.try_resize(100).unwrap();
        assert_eq!(budget.used(), 500);
        drop(b);
        assert_eq!(budget.used(), 100);
        drop(a);
        assert_eq!(budget.used(), 0);
    }

    #[tokio::test]
    async fn a_reservation_that_cannot_grow_waits_for_another_to_shrink() {
        let budget = MemoryBudget::new(100);
        let mut holder = budget.reservation();
        holder.try_resize(100).unwrap();
        let waiter = {
            let budget = budget.clone();
            tokio::spawn(async move {
                let mut r = budget.reservation();
                r.resize(60).await.map(|()| r.bytes())
            })
        };
        tokio::task::yield_now().await;
        drop(holder);
        assert_eq!(waiter.await.unwrap(), Ok(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_reservation_that_cannot_grow_fails_after_its_wait() {
        let budget = MemoryBudget::new(100);
        let mut holder = budget.reservation();
        holder.try_resize(100).unwrap();
        let mut r = budget.reservation();
        assert_eq!(r.resize(1).await, Err(Exhausted { wanted: 1, limit: 100 }));
    }
}
