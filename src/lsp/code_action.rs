//! Quick fixes for the findings at the cursor: every "did you mean" of a help line, a missing
//! required field added to its block, and a decision added for a catalogue control that has
//! none (the help line of such a finding says what to write; the fix writes it).

use super::diagnostics::to_lsp;
use super::world::{workspace_edit, Snapshot};
use crate::diagnostics::{codes, Diagnostic};
use crate::sema::schema::{Prim, Type};
use crate::source::{FileId, Span};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit};

pub fn code_actions(snap: &Snapshot, params: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
    let file = snap.file_id(params.text_document.uri.as_str())?;
    let start = snap.offset(file, params.range.start);
    let end = snap.offset(file, params.range.end);
    let mut out = Vec::new();
    for d in &snap.c.diagnostics {
        let Some(primary) = d.primary_label() else { continue };
        if primary.file == file && primary.span.start as usize <= end && start <= primary.span.end as usize {
            if let Some(fix) = did_you_mean(snap, d, primary.span) {
                out.push(fix);
            }
            if d.code == codes::MISSING_FIELD.id {
                out.extend(missing_field(snap, d, file, primary.span));
            }
            out.extend(add_item(snap, d, file));
            out.extend(add_decisions(snap, d, file));
        }
    }
    Some(out)
}

fn action(
    snap: &Snapshot,
    title: String,
    d: Option<&Diagnostic>,
    file: FileId,
    edit: TextEdit,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: d.and_then(|d| to_lsp(snap, d)).map(|d| vec![d]),
        edit: Some(workspace_edit(snap, vec![(file, edit)])),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}

/// The first text in backticks of a help line or label.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find('`')? + 1;
    let len = text[start..].find('`')?;
    Some(&text[start..start + len])
}

fn did_you_mean(snap: &Snapshot, d: &Diagnostic, span: Span) -> Option<CodeActionOrCommand> {
    let help = d.help.as_deref()?;
    let suggestion = help.strip_prefix("did you mean ").and_then(quoted)?;
    let file = d.primary_label()?.file;
    let written = snap.text(file).get(span.range())?;
    let title = format!("replace `{written}` with `{suggestion}`");
    let edit = TextEdit { range: snap.range(file, span), new_text: suggestion.to_string() };
    Some(action(snap, title, Some(d), file, edit, true))
}

/// `system x { ... }` without its required `owner`: adds `owner: <a first value>` as the
/// first line of the block.
fn missing_field(snap: &Snapshot, d: &Diagnostic, file: FileId, header: Span) -> Option<CodeActionOrCommand> {
    let name = quoted(&d.primary_label()?.message)?;
    let model = &snap.c.model;
    let schema = &model.schema;
    let node = snap.header_at(file, header.start as usize).filter(|(s, _)| *s == header).map(|(_, n)| n);
    let kind = match node {
        Some(n) => model.node(n).kind,
        None => schema.kind_id(snap.text(file).get(header.range())?.split_whitespace().next()?)?,
    };
    let def = schema.kind(kind).fields.get(name)?;
    let text = snap.text(file);
    let brace = header.end as usize + text.get(header.end as usize..)?.find('{')?;
    let line_start = text[..header.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let value = match &def.ty {
        Type::Block(_) => format!("{name} {{\n{indent}  }}"),
        ty => format!("{name}: {}", placeholder(snap, ty)),
    };
    let edit =
        TextEdit { range: snap.range(file, Span::new(brace + 1, brace + 1)), new_text: format!("\n{indent}  {value}") };
    Some(action(snap, format!("add the required field `{name}`"), Some(d), file, edit, true))
}

/// A value that parses and that the author then replaces: the first enum member, the first
/// item of an accepted kind, an empty text.
fn placeholder(snap: &Snapshot, ty: &Type) -> String {
    let model = &snap.c.model;
    match ty {
        Type::Prim(Prim::Text) => "\"\"".into(),
        Type::Prim(Prim::Int) => "0".into(),
        Type::Prim(Prim::Decimal) => "0.0".into(),
        Type::Prim(Prim::Percent) => "0%".into(),
        Type::Prim(Prim::Bool) => "yes".into(),
        Type::Prim(Prim::Date) => snap.today.to_string(),
        Type::Prim(Prim::Duration) => "1 year".into(),
        Type::Prim(Prim::StdRef) => first_stdref(snap),
        Type::Enum(e) => model.schema.enum_def(*e).members.keys().next().cloned().unwrap_or_default(),
        Type::Ref(kinds) => kinds
            .iter()
            .flat_map(|k| model.items_of(*k))
            .find_map(|n| model.node(*n).id.as_deref().map(str::to_string))
            .unwrap_or_else(|| format!("my_{}", model.schema.kind(kinds[0]).name)),
        Type::List(_) => "[]".into(),
        Type::Block(_) => String::new(),
    }
}

fn first_stdref(snap: &Snapshot) -> String {
    let model = &snap.c.model;
    model
        .schema
        .kind_id(crate::contract::STANDARD)
        .and_then(|s| model.items_of(s).first().copied())
        .and_then(|top| {
            let std = model.node(top).id.clone()?;
            let (local, _) = model.anchors.get(&top)?.first()?;
            Some(format!("{std}:{local}"))
        })
        .unwrap_or_default()
}

/// An edit that adds `item` at the end of `target`, a blank line away from what is there.
fn append(snap: &Snapshot, target: FileId, item: &str) -> TextEdit {
    let text = snap.text(target);
    let sep = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    TextEdit { range: snap.range(target, Span::new(text.len(), text.len())), new_text: format!("{sep}{item}\n") }
}

/// A grouped finding about catalogue controls that have no decision (the undecided Annex A
/// controls, listed in one finding): one fix per control, adding its decision to the file that
/// holds the Statement of Applicability, as the help of a single such finding would.
fn add_decisions(snap: &Snapshot, d: &Diagnostic, file: FileId) -> Vec<CodeActionOrCommand> {
    let model = &snap.c.model;
    let (Some(standard), Some(control)) =
        (model.schema.kind_id(crate::contract::STANDARD), model.schema.kind_id(crate::contract::CONTROL))
    else {
        return Vec::new();
    };
    let undecided = |id: &str| {
        model.lookup(id).is_none()
            && model.items_of(standard).iter().any(|top| {
                model
                    .anchor(*top, id)
                    .is_some_and(|n| model.schema.kind(model.node(n).kind).name == crate::contract::ANNEX_CONTROL)
            })
    };
    let target = model.items_of(control).first().map_or(file, |n| model.node(*n).file);
    let name = &snap.file(target).name;
    d.about
        .iter()
        .filter(|id| undecided(id))
        .map(|id| {
            let snippet = format!(
                "{} {id} {{ {}: yes  {}: \"...\" }}",
                crate::contract::CONTROL,
                crate::contract::APPLICABLE,
                crate::contract::JUSTIFICATION
            );
            let edit = append(snap, target, &snippet);
            action(snap, format!("add `{} {id}` to {name}", crate::contract::CONTROL), Some(d), target, edit, false)
        })
        .collect()
}

/// A finding whose help says which item to add (`add \`control A.7.4 { ... }\``, for a
/// catalogue control without a decision): the fix appends that item to the file that already
/// holds items of its kind (the Statement of Applicability), or to the finding's own file.
fn add_item(snap: &Snapshot, d: &Diagnostic, file: FileId) -> Option<CodeActionOrCommand> {
    let model = &snap.c.model;
    let snippet = d.help.as_deref()?.strip_prefix("add ").and_then(quoted)?;
    let kind = model.schema.kind_id(snippet.split_whitespace().next()?)?;
    if model.schema.kind(kind).nested || !snippet.contains('{') {
        return None;
    }
    // Only a complete item is written into the spec, never a template with gaps.
    let (tree, errors) = crate::syntax::parse(snippet, file);
    if !errors.is_empty() || tree.items.len() != 1 {
        return None;
    }
    let target = model.items_of(kind).first().map_or(file, |n| model.node(*n).file);
    let edit = append(snap, target, snippet);
    let header = snippet.split('{').next().unwrap_or(snippet).trim();
    let name = &snap.file(target).name;
    Some(action(snap, format!("add `{header}` to {name}"), Some(d), target, edit, false))
}
