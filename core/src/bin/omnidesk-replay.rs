//! `omnidesk-replay [--events | --supervisor AGENT] FILE`: runs a scenario file and prints its
//! final snapshot as one JSON object, with `--events` its event log, one JSON object a line,
//! or with `--supervisor AGENT` what that agent sees as a supervisor at the end (R28). A bad
//! file, an agent the set-up doesn't declare, or a usage error exits 2 with a message on
//! stderr.

use omnidesk_core::scenario::{run, Scenario};
use omnidesk_core::AgentId;
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: omnidesk-replay [--events | --supervisor AGENT] SCENARIO.json
  prints the final snapshot as one JSON object;
  --events prints the event log instead, one JSON object a line;
  --supervisor AGENT prints what AGENT sees as a supervisor at the end (R28)";

fn main() -> ExitCode {
    let mut events = false;
    let mut supervisor = None;
    let mut file = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => events = true,
            "--supervisor" => match args.next() {
                Some(agent) => supervisor = Some(agent),
                None => return usage("--supervisor needs an agent id"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') && s != "-" => return usage(&format!("unknown option {s}")),
            _ if file.is_some() => return usage("more than one file"),
            _ => file = Some(arg),
        }
    }
    let Some(file) = file else {
        return usage("no scenario file");
    };
    if events && supervisor.is_some() {
        return usage("--events and --supervisor don't go together");
    }
    let text = if file == "-" {
        let mut s = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            Ok(_) => s,
            Err(e) => return fail(&format!("can't read standard input: {e}")),
        }
    } else {
        match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => return fail(&format!("can't read {file}: {e}")),
        }
    };
    let scenario = match Scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => return fail(&format!("{file}: {e}")),
    };
    let supervisor = supervisor.map(AgentId::from);
    if let Some(agent) = &supervisor {
        if !scenario.config.agents.contains_key(agent) {
            return fail(&format!(
                "{file}: --supervisor: unknown agent \"{agent}\" (the set-up doesn't declare it)"
            ));
        }
    }
    let replay = run(&scenario);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if let Some(agent) = &supervisor {
        let view = replay
            .engine
            .supervisor_view(agent)
            .expect("a declared agent has a view");
        let line = serde_json::to_string(&view).expect("a view always serializes");
        writeln!(out, "{line}")
    } else if events {
        replay.events.iter().try_for_each(|e| {
            let line = serde_json::to_string(e).expect("events always serialize");
            writeln!(out, "{line}")
        })
    } else {
        writeln!(out, "{}", replay.engine.snapshot_json())
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("can't write: {e}")),
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("omnidesk-replay: {problem}\n{USAGE}");
    ExitCode::from(2)
}

fn fail(message: &str) -> ExitCode {
    eprintln!("omnidesk-replay: {message}");
    ExitCode::from(2)
}
