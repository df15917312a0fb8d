//! Property: the state rebuilt from the log (latest snapshot + the events after it) equals the
//! live state, whatever inputs the hub handled, accepted, refused (409) or forbade (403).

mod common;

use omnidesk_core::protocol::Customer;
use omnidesk_core::{AgentId, Input, ItemId, Presence, QueueId};
use omnidesk_server::auth::Principal;
use omnidesk_server::config::ServerConfig;
use omnidesk_server::hub::{Action, Hub, HubOptions};
use omnidesk_server::log::SqliteLog;
use proptest::prelude::*;
use std::sync::OnceLock;

const AGENTS: [&str; 3] = ["ana", "bert", "cara"];

fn config() -> ServerConfig {
    static CONFIG: OnceLock<ServerConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| ServerConfig::parse(common::CONFIG).unwrap())
        .clone()
}

#[derive(Clone, Debug)]
enum Op {
    Conversation,
    Agent(usize, u8, usize),
    Customer(usize, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::Conversation),
        6 => (0..3usize, 0..14u8, 0..4usize).prop_map(|(a, k, i)| Op::Agent(a, k, i)),
        1 => (0..4usize, 0..3u8).prop_map(|(i, k)| Op::Customer(i, k)),
    ]
}

fn agent_input(agent: &str, kind: u8, item: ItemId) -> Input {
    let agent = AgentId::from(agent);
    match kind {
        0 | 1 => Input::SignIn { agent },
        2 => Input::SignOut { agent },
        3 => Input::SetPresence {
            agent,
            status: if item.as_str().ends_with('0') {
                Presence::Away
            } else {
                Presence::Available
            },
        },
        4 => Input::ResetPresence { agent },
        5 => Input::Accept { agent, item },
        6 => Input::Reject { agent, item },
        7 => Input::Pick { agent, item },
        8 => Input::Wait { agent, item },
        9 => Input::Open { agent, item },
        10 => Input::End {
            agent: Some(agent),
            item,
        },
        11 => Input::Close { agent, item },
        12 => Input::Reopen { agent, item },
        _ => Input::Transfer {
            agent,
            item,
            queue: QueueId::from("vip"),
        },
    }
}

async fn run(ops: Vec<Op>, snapshot_every: u64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("events.db");
    let options = HubOptions {
        snapshot_every,
        ..HubOptions::default()
    };
    let hub = Hub::start(
        config(),
        Box::new(SqliteLog::open(&db).unwrap()),
        options.clone(),
    )
    .unwrap();
    let mut items: Vec<ItemId> = Vec::new();
    for (n, op) in ops.into_iter().enumerate() {
        let pick = |i: usize| {
            items
                .get(i % items.len().max(1))
                .cloned()
                .unwrap_or_else(|| ItemId::from("none"))
        };
        match op {
            Op::Conversation => {
                let c = Customer {
                    name: format!("Customer {n}"),
                    ..Customer::default()
                };
                if let Ok(Ok(conv)) = hub.start_conversation(c, "hi".into(), None).await {
                    items.push(conv.item);
                }
            }
            Op::Agent(a, kind, i) => {
                let input = agent_input(AGENTS[a], kind, pick(i));
                let action = Action {
                    client_id: "p".into(),
                    action_id: n.to_string(),
                    input,
                };
                let principal = Principal::Agent {
                    agent: AgentId::from(AGENTS[a]),
                };
                hub.act(principal, action).await.unwrap();
            }
            Op::Customer(i, kind) => {
                let item = pick(i);
                let input = match kind {
                    0 => Input::CustomerMessage {
                        item: item.clone(),
                        text: "more".into(),
                    },
                    1 => Input::End {
                        item: item.clone(),
                        agent: None,
                    },
                    _ => Input::Abandon { item: item.clone() },
                };
                let action = Action {
                    client_id: "c".into(),
                    action_id: n.to_string(),
                    input,
                };
                hub.act(Principal::Customer { item }, action).await.unwrap();
            }
        }
    }
    let live = hub
        .read(|e| (e.state().clone(), e.last_seq()))
        .await
        .unwrap();
    drop(hub);
    let rebuilt = Hub::start(config(), Box::new(SqliteLog::open(&db).unwrap()), options).unwrap();
    let again = rebuilt
        .read(|e| (e.state().clone(), e.last_seq()))
        .await
        .unwrap();
    assert_eq!(live.1, again.1, "last seq differs");
    assert!(
        live.0 == again.0,
        "rebuilt state differs from the live state"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn the_state_rebuilt_from_the_log_equals_the_live_state(
        ops in prop::collection::vec(op(), 1..60),
        snapshot_every in prop_oneof![Just(5u64), Just(10_000u64)],
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(run(ops, snapshot_every));
    }
}
