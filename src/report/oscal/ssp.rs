//! The Statement of Applicability as an OSCAL System Security Plan: the AI management system
//! is the system, each AI system a component, and each reference control one implemented
//! requirement whose implementation status comes from the organisation's decision (with
//! `not-applicable` and its justification for an excluded control).

use super::{or_none, Context, NS};
use crate::compile::Compilation;
use crate::report::soa;
use crate::report::view::{items, Item};
use serde_json::{json, Value};

/// The organisation's implementation status (stdlib/schema/controls.aims) as OSCAL's state.
fn state(decision: Option<&Item>) -> (&'static str, String) {
    let Some(d) = decision else { return ("planned", "no decision in the Statement of Applicability yet".into()) };
    if d.bool("applicable") == Some(false) {
        return ("not-applicable", or_none(d.text("justification"), "excluded without a justification"));
    }
    let remark = or_none(d.text("justification"), "included");
    match d.text("status").as_str() {
        "implemented" => ("implemented", remark),
        "in_progress" => ("partial", remark),
        _ => ("planned", remark),
    }
}

fn prop(name: &str, value: String) -> Option<Value> {
    (!value.trim().is_empty()).then(|| json!({ "name": name, "ns": NS, "value": value }))
}

pub fn ssp(c: &Compilation, ctx: &Context) -> Value {
    let model = &c.model;
    let this = ctx.uuid("component:this-system");
    let scope = items(model, "scope").into_iter().next();
    let statement = scope.map(|s| s.text("statement")).unwrap_or_default();
    let boundary = scope.map(|s| s.text("boundaries")).unwrap_or_default();
    let mut components = vec![json!({
        "uuid": this,
        "type": "this-system",
        "title": format!("{} AI management system", ctx.org),
        "description": or_none(statement.clone(), "the AI management system"),
        "status": { "state": "operational" },
    })];
    for s in items(model, "system") {
        let retired = s.text("status") == "retired";
        let planned = s.text("status") == "planned";
        components.push(json!({
            "uuid": ctx.uuid(&format!("component:system:{}", s.name())),
            "type": "software",
            "title": or_none(s.title(), &s.name()),
            "description": or_none(s.text("purpose"), &s.name()),
            "props": [{ "name": "aims-id", "ns": NS, "value": s.name() }],
            "status": { "state": if retired { "disposition" } else if planned { "under-development" } else { "operational" } },
        }));
    }
    let decisions: Vec<Item> = items(model, crate::contract::CONTROL);
    let mut requirements = Vec::new();
    for ctl in soa::catalogue(model) {
        let id = model.node(ctl.id).id_str().to_string();
        let decision = decisions.iter().find(|d| model.node(d.id).id.as_deref() == Some(id.as_str()));
        let (st, remarks) = state(decision);
        let props: Vec<Value> = decision
            .map(|d| {
                [
                    prop("applicable", d.text("applicable")),
                    prop("owner", d.text("owner")),
                    prop("evidence", d.text("evidence")),
                    prop("last-tested", d.text("last_tested")),
                ]
                .into_iter()
                .flatten()
                .collect()
            })
            .unwrap_or_default();
        let description =
            decision.map(|d| d.text("description")).filter(|s| !s.is_empty()).unwrap_or_else(|| remarks.clone());
        let mut req = json!({
            "uuid": ctx.uuid(&format!("requirement:{id}")),
            "control-id": id,
            "by-components": [{
                "component-uuid": this,
                "uuid": ctx.uuid(&format!("by-component:{id}")),
                "description": description,
                "implementation-status": { "state": st, "remarks": remarks },
            }],
        });
        if !props.is_empty() {
            req["props"] = json!(props);
        }
        requirements.push(req);
    }
    json!({ "system-security-plan": {
        "uuid": ctx.uuid("ssp"),
        "metadata": ctx.metadata(&format!("{}: Statement of Applicability", ctx.org)),
        "import-profile": { "href": "profile.json" },
        "system-characteristics": {
            "system-ids": [{ "identifier-type": "https://ietf.org/rfc/rfc4122", "id": ctx.uuid("system-id") }],
            "system-name": format!("{} AI management system", ctx.org),
            "description": or_none(statement, "the AI management system and the AI systems in its scope"),
            "system-information": { "information-types": [{
                "uuid": ctx.uuid("information-type:ai-governance"),
                "title": "AI governance records",
                "description": "the records of the AI management system: systems, risks, controls, assessments, reviews",
            }]},
            "status": { "state": "operational" },
            "authorization-boundary": { "description": or_none(boundary, "the scope of the AI management system") },
        },
        "system-implementation": { "components": components },
        "control-implementation": {
            "description": "the organisation's decision on every reference control, from its Statement of Applicability",
            "implemented-requirements": requirements,
        },
    }})
}
