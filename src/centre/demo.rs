//! The built-in contact centre of the standalone demo: three queues, the five standard channels
//! (routing.md R1 defaults: chat 20, SMS 10), the agent at the keyboard with R3's defaults
//! (capacity 100, Available; supervisor of all three queues, R25–R28) and four simulated
//! colleagues; and the generated customers.

use crate::centre::rng;
use omnidesk_core::config::{AgentConfig, Distribution, Queue};
use omnidesk_core::sorting::set;
use omnidesk_core::{AgentId, BaseStatus, ChannelId, Config, QueueId};

/// The agent at the keyboard.
pub const ME: &str = "alex";
/// The simulated colleagues (core agents driven by the simulator through core inputs).
pub const COLLEAGUES: [&str; 4] = ["ana", "bert", "chen", "dara"];
/// The queue the Simulate buttons put new conversations in: one of the agent's queues.
pub const SIMULATE_QUEUE: &str = "general";
/// Item ids of conversations started on the customer chat page (`/chat`) begin with this;
/// the simulator leaves their customers alone (a real person writes).
pub const LIVE_CHAT_PREFIX: &str = "live-";

const AGENTS: [(&str, &str); 5] = [
    (ME, "Alex Morgan"),
    ("ana", "Ana Silva"),
    ("bert", "Bert Novak"),
    ("chen", "Chen Wei"),
    ("dara", "Dara Okafor"),
];

/// The demo's configuration.
pub fn config() -> Config {
    let mut config = Config::new();
    for (id, name) in AGENTS {
        let mut agent = AgentConfig::new(id);
        agent.name = name.to_owned();
        if id == ME {
            // R25–R28: the person at the keyboard supervises every demo queue.
            agent.supervises = set(["general", "billing", "vip"].map(QueueId::from));
        }
        config.add_agent(agent);
    }
    let mut general = Queue::new("general");
    general.name = "General support".to_owned();
    general.members = set(AGENTS.iter().map(|(id, _)| AgentId::from(*id)));
    let mut billing = Queue::new("billing");
    billing.name = "Billing".to_owned();
    billing.members = set([ME, "ana", "chen"].map(AgentId::from));
    billing.channels = Some(set(["chat", "sms", "email"].map(ChannelId::from)));
    let mut vip = Queue::new("vip");
    vip.name = "Priority customers".to_owned();
    vip.priority = 2;
    vip.members = set([ME, "bert"].map(AgentId::from));
    config.add_queue(general).add_queue(billing).add_queue(vip);
    config.add_presence("Lunch", BaseStatus::Away);
    config.add_presence("Training", BaseStatus::Dnd);
    // R23: an offer nobody has seen within 15 s moves on (push channels; email is picked).
    for channel in config.channels.values_mut() {
        if channel.distribution == Distribution::Push {
            channel.offer_seen_timeout_ms = Some(OFFER_SEEN_TIMEOUT_MS);
        }
    }
    config
}

/// R23: the demo's `offer_seen_timeout_ms` on push channels.
pub const OFFER_SEEN_TIMEOUT_MS: u64 = 15_000;

/// The display name of an agent.
pub fn agent_name(config: &Config, agent: &AgentId) -> String {
    config
        .agents
        .get(agent)
        .map_or_else(|| agent.to_string(), |a| a.name.clone())
}

/// The display name of a queue.
pub fn queue_name(config: &Config, queue: &QueueId) -> String {
    config
        .queues
        .get(queue)
        .map_or_else(|| queue.to_string(), |q| q.name.clone())
}

const FIRST: [&str; 32] = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Tim",
    "Radia",
    "Edsger",
    "Hedy",
    "John",
    "Shafi",
    "Donald",
    "Lynn",
    "Claude",
    "Mary",
    "Niklaus",
    "Adele",
    "Bjarne",
    "Sophie",
    "Guido",
    "Jean",
    "Leslie",
    "Anita",
    "Robin",
    "Evelyn",
    "Tony",
    "Joan",
];
const LAST: [&str; 32] = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Berners-Lee",
    "Perlman",
    "Dijkstra",
    "Lamarr",
    "Backus",
    "Goldwasser",
    "Knuth",
    "Conway",
    "Shannon",
    "Keller",
    "Wirth",
    "Goldberg",
    "Stroustrup",
    "Wilson",
    "Rossum",
    "Sammet",
    "Lamport",
    "Borg",
    "Milner",
    "Berezin",
    "Hoare",
    "Clarke",
];

/// The `n`-th generated customer's name (n from 0). Names are distinct for every `n`: the first
/// 1 024 are distinct first/last pairs (in an order shuffled by the seed), later ones add a number.
pub fn customer_name(seed: u64, n: u64) -> String {
    let pairs = (FIRST.len() * LAST.len()) as u64;
    let round = n / pairs;
    // An affine permutation of 0..pairs (odd multiplier, pairs a power of two).
    let step = (rng::draw(seed, 0xC0FFEE, 0) | 1) % pairs;
    let offset = rng::draw(seed, 0xC0FFEE, 1) % pairs;
    let k = ((n % pairs) * step + offset) % pairs;
    let first = FIRST[(k / LAST.len() as u64) as usize];
    let last = LAST[(k % LAST.len() as u64) as usize];
    if round == 0 {
        format!("{first} {last}")
    } else {
        format!("{first} {last} {}", round + 1)
    }
}

const OPENERS: [&str; 8] = [
    "Hi, my order hasn't arrived yet. Can you check where it is?",
    "Hello, I was charged twice for my subscription this month.",
    "I can't sign in to my account since this morning.",
    "Can I change the delivery address of my last order?",
    "The app crashes when I try to upload a photo.",
    "I'd like to cancel my plan and get a refund.",
    "Do you ship to Norway? I couldn't find it on the website.",
    "My discount code doesn't work at checkout.",
];

/// The first message of the `n`-th generated conversation.
pub fn opener(seed: u64, n: u64) -> &'static str {
    OPENERS[(rng::draw(seed, 0x0BE4, n) % OPENERS.len() as u64) as usize]
}

const FOLLOW_UPS: [&str; 5] = [
    "Thanks for looking into this.",
    "Any news? I'm still waiting.",
    "I have the order number if you need it: 48213.",
    "Is there anything else you need from me?",
    "Great, that helps a lot!",
];

/// A follow-up message a simulated customer sends.
pub fn follow_up(seed: u64, n: u64) -> &'static str {
    FOLLOW_UPS[(rng::draw(seed, 0xF011, n) % FOLLOW_UPS.len() as u64) as usize]
}

const ANSWERS: [&str; 8] = [
    "Thanks, that helps.",
    "OK, let me try that now.",
    "Yes, that's the one.",
    "Hmm, it still doesn't work for me.",
    "Great, thank you!",
    "Could you explain that a bit more?",
    "I've done that. What next?",
    "Perfect, that's all I needed.",
];

/// A simulated customer's answer to the agent's message.
pub fn answer(seed: u64, n: u64) -> &'static str {
    ANSWERS[(rng::draw(seed, 0xA115, n) % ANSWERS.len() as u64) as usize]
}

/// The label of a channel as the UI shows it.
pub fn channel_label(channel: &ChannelId) -> String {
    match channel.as_str() {
        "chat" => "Chat".to_owned(),
        "sms" => "SMS".to_owned(),
        "email" => "Email".to_owned(),
        "social" => "Social".to_owned(),
        "voice" => "Voice".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_agent_has_routing_md_defaults_and_standard_costs() {
        let c = config();
        let me = &c.agents[&AgentId::from(ME)];
        assert_eq!(me.capacity, 100);
        assert_eq!(me.default_presence, omnidesk_core::Presence::Available);
        assert_eq!(c.channels[&ChannelId::from("chat")].capacity_cost, 20);
        assert_eq!(c.channels[&ChannelId::from("sms")].capacity_cost, 10);
        assert_eq!(c.channels.len(), 5);
        // R23: push channels want the offer seen within 15 s; email (picked) has no timer.
        assert_eq!(
            c.channels[&ChannelId::from("chat")].offer_seen_timeout_ms,
            Some(OFFER_SEEN_TIMEOUT_MS)
        );
        assert_eq!(
            c.channels[&ChannelId::from("email")].offer_seen_timeout_ms,
            None
        );
        assert!(c.queues[&QueueId::from(SIMULATE_QUEUE)]
            .members
            .contains(&AgentId::from(ME)));
    }

    #[test]
    fn customer_names_are_distinct() {
        let names: BTreeSet<String> = (0..3000).map(|n| customer_name(42, n)).collect();
        assert_eq!(names.len(), 3000);
        assert_ne!(customer_name(1, 0), customer_name(2, 0));
    }
}
