//! The catalog (the default standard's reference controls, grouped by topic area, with their
//! identifiers and titles only) and an include-all profile of it, for the SSP to import.

use super::Context;
use crate::compile::Compilation;
use crate::sema::{Model, NodeId};
use serde_json::{json, Value};

const TOPIC: &str = "topic";
const CONTROL: &str = crate::contract::ANNEX_CONTROL;

fn children(model: &Model, parent: NodeId, kind: &str) -> Vec<NodeId> {
    model
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent == Some(parent) && model.schema.kind(n.kind).name == kind && n.id.is_some())
        .map(|(i, _)| NodeId(i as u32))
        .collect()
}

fn group(model: &Model, topic: NodeId) -> Value {
    let n = model.node(topic);
    let id = n.id_str().to_string();
    let mut g = json!({
        "id": id,
        "title": super::or_none(n.title_str().to_string(), &id),
    });
    let sub: Vec<Value> = children(model, topic, TOPIC).into_iter().map(|t| group(model, t)).collect();
    if !sub.is_empty() {
        g["groups"] = json!(sub);
    }
    let controls: Vec<Value> = children(model, topic, CONTROL)
        .into_iter()
        .map(|c| {
            let n = model.node(c);
            let id = n.id_str().to_string();
            json!({ "id": id, "title": super::or_none(n.title_str().to_string(), &id) })
        })
        .collect();
    if !controls.is_empty() {
        g["controls"] = json!(controls);
    }
    g
}

pub fn catalog(c: &Compilation, ctx: &Context) -> Value {
    let model = &c.model;
    let std = super::super::view::items(model, crate::contract::STANDARD)
        .into_iter()
        .find(|s| s.bool(crate::contract::STANDARD_DEFAULT) == Some(true));
    let (title, groups) = match std {
        Some(s) => {
            let groups: Vec<Value> = children(model, s.id, TOPIC).into_iter().map(|t| group(model, t)).collect();
            (format!("{}: reference controls (identifiers and titles)", s.title()), groups)
        }
        None => ("reference controls".to_string(), Vec::new()),
    };
    let mut cat = json!({ "uuid": ctx.uuid("catalog"), "metadata": ctx.metadata(&title) });
    if !groups.is_empty() {
        cat["groups"] = json!(groups);
    }
    json!({ "catalog": cat })
}

pub fn profile(ctx: &Context) -> Value {
    json!({ "profile": {
        "uuid": ctx.uuid("profile"),
        "metadata": ctx.metadata(&format!("{}: every reference control", ctx.org)),
        "imports": [{ "href": "catalog.json", "include-all": {} }],
    }})
}
