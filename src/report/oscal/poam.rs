//! The risk register as an OSCAL Plan of Action and Milestones: each risk an OSCAL risk (its
//! inherent likelihood, impact and level as facets, each treatment a remediation with its due
//! date), and one POA&M item per risk pointing at it.

use super::{or_none, Context, NS};
use crate::compile::Compilation;
use crate::contract as c;
use crate::report::view::items;
use serde_json::{json, Value};

pub fn poam(comp: &Compilation, ctx: &Context) -> Value {
    let model = &comp.model;
    let tool = ctx.uuid("party:aims");
    let mut risks = Vec::new();
    let mut poam_items = Vec::new();
    for r in items(model, c::RISK) {
        let name = r.name();
        let risk_uuid = ctx.uuid(&format!("risk:{name}"));
        let treatments = r.blocks(c::TREATMENT);
        let all_done = !treatments.is_empty() && treatments.iter().all(|t| t.text("status") == "done");
        let any_started = treatments.iter().any(|t| matches!(t.text("status").as_str(), "in_progress" | "done"));
        let accepted = treatments.iter().any(|t| t.text("option") == "accept" && !t.text("approved_by").is_empty());
        let status = if all_done {
            "closed"
        } else if accepted {
            "deviation-approved"
        } else if any_started {
            "remediating"
        } else {
            "open"
        };
        let facets: Vec<Value> = [
            ("likelihood", r.text(c::LIKELIHOOD)),
            ("impact", r.text(c::IMPACT)),
            ("level", r.text(c::LEVEL)),
            ("score", r.text(c::SCORE)),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, v)| json!({ "name": n, "system": NS, "value": v }))
        .collect();
        let mut risk = json!({
            "uuid": risk_uuid,
            "title": or_none(r.title(), &name),
            "description": or_none(r.text("description"), &name),
            "statement": or_none(r.text("consequences"), "see the description"),
            "props": [{ "name": "aims-id", "ns": NS, "value": name }],
            "status": status,
        });
        if !facets.is_empty() {
            risk["characterizations"] = json!([{
                "origin": { "actors": [{ "type": "tool", "actor-uuid": tool }] },
                "facets": facets,
            }]);
        }
        let remediations: Vec<Value> = treatments
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut props =
                    vec![json!({ "name": "option", "ns": NS, "value": or_none(t.text("option"), "unknown") })];
                if !t.text("controls").is_empty() {
                    props.push(json!({ "name": "controls", "ns": NS, "value": t.text("controls") }));
                }
                if !t.text("due").is_empty() {
                    props.push(json!({ "name": "due", "ns": NS, "value": t.text("due") }));
                }
                json!({
                    "uuid": ctx.uuid(&format!("remediation:{name}:{i}")),
                    "lifecycle": if t.text("status") == "done" { "completed" } else { "planned" },
                    "title": format!("{} of {name}", or_none(t.text("option"), "treatment")),
                    "description": or_none(t.text("plan"), "no plan recorded"),
                    "props": props,
                })
            })
            .collect();
        if !remediations.is_empty() {
            risk["remediations"] = json!(remediations);
        }
        if let Some(due) = treatments.iter().filter_map(|t| t.date("due")).min() {
            risk["deadline"] = json!(format!("{due}T00:00:00Z"));
        }
        risks.push(risk);
        poam_items.push(json!({
            "uuid": ctx.uuid(&format!("poam-item:{name}")),
            "title": or_none(r.title(), &name),
            "description": or_none(r.text("description"), &name),
            "related-risks": [{ "risk-uuid": risk_uuid }],
        }));
    }
    let mut plan = json!({
        "uuid": ctx.uuid("poam"),
        "metadata": ctx.metadata(&format!("{}: AI risk register", ctx.org)),
        "import-ssp": { "href": "ssp.json" },
        "local-definitions": { "components": [{
            "uuid": tool,
            "type": "software",
            "title": "aims",
            "description": "the aims compiler, which scored each risk with the organisation's scoring script",
            "status": { "state": "operational" },
        }]},
        "poam-items": poam_items,
    });
    if !risks.is_empty() {
        plan["risks"] = json!(risks);
    }
    json!({ "plan-of-action-and-milestones": plan })
}
