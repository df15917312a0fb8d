//! The one WebSocket driver (gloo-net), for the agent desk and the `/chat` page alike. It
//! only moves things between the browser and an [`omnidesk_wire::Link`]: it opens and closes
//! the sockets the link asks for, sends the frames it polls, hands it every frame, open and
//! close with the browser's time, wakes it at `poll_timeout` (a gloo-timers `Timeout`), and
//! passes the link's events to the page. Every decision — reconnects, keep-alive, resends,
//! seq order, catch-up — is the link's, tested natively in the wire crate.
//!
//! Dropping the driver's last handle (or [`LinkDriver::shutdown`]) ends the link, closes the
//! socket and cancels the timer: nothing is left running after sign-out.

use super::codec;
use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use gloo_timers::callback::Timeout;
use omnidesk_core::Input;
use omnidesk_wire::{
    ActionId, ConnId, Link, LinkEvent, LinkOptions, LinkState, Outbox, ServerFrame,
};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

type OnEvent = Box<dyn FnMut(LinkEvent)>;

struct Inner {
    link: Link,
    url: String,
    /// The socket the link has now: its id and the way to its writer.
    socket: Option<(ConnId, UnboundedSender<String>)>,
    timer: Option<Timeout>,
    events: VecDeque<LinkEvent>,
    stopped: bool,
}

/// A running link with its socket and timer.
#[derive(Clone)]
pub struct LinkDriver {
    inner: Rc<RefCell<Inner>>,
    on_event: Rc<RefCell<OnEvent>>,
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

impl LinkDriver {
    /// Starts a link to the socket at `url`; `on_event` gets the link's events, in order.
    pub fn start(
        url: String,
        options: LinkOptions,
        on_event: impl FnMut(LinkEvent) + 'static,
    ) -> LinkDriver {
        let driver = LinkDriver {
            inner: Rc::new(RefCell::new(Inner {
                link: Link::new(options, now()),
                url,
                socket: None,
                timer: None,
                events: VecDeque::new(),
                stopped: false,
            })),
            on_event: Rc::new(RefCell::new(Box::new(on_event))),
        };
        driver.pump();
        driver
    }

    /// Queues an action (sent now or when the link can).
    pub fn send_action(&self, input: Input) -> ActionId {
        self.with(|link, now| link.send_action(now, input))
    }

    /// The page rebuilt its replica after [`LinkEvent::Rebuild`].
    pub fn rebuilt(&self) {
        self.with(|link, now| link.handle_rebuilt(now));
    }

    /// The unanswered actions.
    pub fn outbox(&self) -> Outbox {
        self.inner.borrow().link.outbox().clone()
    }

    pub fn state(&self) -> LinkState {
        self.inner.borrow().link.state().clone()
    }

    /// Ends the link: closes the socket, cancels the timer, reconnects no more.
    pub fn shutdown(&self) {
        self.with(|link, now| link.end(now));
        let mut inner = self.inner.borrow_mut();
        inner.stopped = true;
        inner.timer = None;
        inner.socket = None;
    }

    fn with<R>(&self, f: impl FnOnce(&mut Link, u64) -> R) -> R {
        let out = {
            let mut inner = self.inner.borrow_mut();
            f(&mut inner.link, now())
        };
        self.pump();
        out
    }

    /// Carries out what the link asks for, then hands its events to the page.
    fn pump(&self) {
        let weak = Rc::downgrade(&self.inner);
        let on_event = Rc::downgrade(&self.on_event);
        {
            let mut inner = self.inner.borrow_mut();
            if inner.stopped {
                return;
            }
            if inner.link.poll_disconnect().is_some() {
                inner.socket = None; // the writer ends and closes the socket
            }
            if let Some(id) = inner.link.poll_connect() {
                inner.socket = None;
                match WebSocket::open(&inner.url) {
                    Ok(ws) => {
                        inner.socket =
                            Some((id, run_socket(ws, id, weak.clone(), on_event.clone())))
                    }
                    Err(_) => {
                        let t = now();
                        inner.link.handle_close(t, id);
                    }
                }
            }
            while let Some(frame) = inner.link.poll_transmit() {
                if let Some((_, tx)) = &inner.socket {
                    let _ = tx.unbounded_send(codec::encode(&frame));
                }
            }
            while let Some(e) = inner.link.poll_event() {
                inner.events.push_back(e);
            }
            inner.timer = inner.link.poll_timeout().map(|due| {
                let (weak, on_event) = (weak.clone(), on_event.clone());
                Timeout::new(
                    due.saturating_sub(now()).min(60_000) as u32 + 1,
                    move || {
                        if let Some(d) = revive(&weak, &on_event) {
                            d.with(|link, now| link.handle_timeout(now));
                        }
                    },
                )
            });
        }
        // The page's handler may act on the link (send, rebuild): it runs with no borrow held,
        // and what it causes is drained by the pump it calls.
        let Ok(mut handler) = self.on_event.try_borrow_mut() else {
            return;
        };
        loop {
            let next = self.inner.borrow_mut().events.pop_front();
            match next {
                Some(e) => handler(e),
                None => break,
            }
        }
    }
}

fn revive(inner: &Weak<RefCell<Inner>>, on_event: &Weak<RefCell<OnEvent>>) -> Option<LinkDriver> {
    Some(LinkDriver {
        inner: inner.upgrade()?,
        on_event: on_event.upgrade()?,
    })
}

/// Runs one socket: a writer task (it reports the opening, then sends what it is given, and
/// closes the socket when its sender is dropped) and a reader task (frames in, then the close).
fn run_socket(
    ws: WebSocket,
    id: ConnId,
    inner: Weak<RefCell<Inner>>,
    on_event: Weak<RefCell<OnEvent>>,
) -> UnboundedSender<String> {
    let (tx, mut rx) = unbounded::<String>();
    let (mut sink, mut stream) = ws.split();
    let (w_inner, w_events) = (inner.clone(), on_event.clone());
    leptos::task::spawn_local(async move {
        // Ready once the socket is open (or has failed: the reader then reports the close).
        if futures::future::poll_fn(|cx| {
            futures::Sink::poll_ready(std::pin::Pin::new(&mut sink), cx)
        })
        .await
        .is_ok()
        {
            if let Some(d) = revive(&w_inner, &w_events) {
                d.with(|link, now| link.handle_open(now, id));
            }
        }
        while let Some(text) = rx.next().await {
            if sink.send(Message::Text(text)).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    leptos::task::spawn_local(async move {
        while let Some(message) = stream.next().await {
            let Ok(Message::Text(text)) = message else {
                break;
            };
            let Some(d) = revive(&inner, &on_event) else {
                return;
            };
            match codec::decode::<ServerFrame>(&text) {
                Ok(frame) => d.with(|link, now| link.handle_frame(now, id, frame)),
                Err(e) => {
                    crate::browser::log(&format!("omnidesk: unreadable frame from the server: {e}"))
                }
            }
        }
        if let Some(d) = revive(&inner, &on_event) {
            d.with(|link, now| link.handle_close(now, id));
        }
    });
    tx
}
