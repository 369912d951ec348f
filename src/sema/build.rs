//! Builds the Model from the syntax trees: registers every item, checks each field against its
//! kind's schema, and converts values to their declared types. References are left pending
//! here and resolved in [`super::resolve`], once every ID of every file is known.

use super::model::{Fields, Model, Node, NodeId, Pending, Value, ValueKind};
use super::schema::{join_or, KindId, Prim, Schema, Type};
use crate::diagnostics::suggest::listing;
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::source::{FileId, Origin};
use crate::syntax::ast::{self, Entry};

pub(crate) struct Builder<'a> {
    pub model: Model,
    pub diags: &'a mut Vec<Diagnostic>,
    /// By kind: what every node of the kind is checked against, read once from the schema.
    shapes: Vec<Shape>,
    /// The top-level items registered since [`Builder::file`] began its file, with where
    /// each one's ID is written (what a fragment of the file keeps, see `fragment.rs`).
    pub tops: Vec<(NodeId, crate::source::Span)>,
}

/// What the builder needs of a kind for each of its nodes.
struct Shape {
    /// How many computed fields (scores) are added later.
    computed: usize,
    /// The keys of the required fields, in schema order.
    required: Vec<super::model::FieldName>,
    /// The schema positions of the entries of the last node of the kind, in the order written:
    /// the nodes of a kind are mostly written alike, so the `j`-th entry of the next is first
    /// compared with the field at `order[j]`, and looked up by name only when it is another.
    order: Vec<u32>,
}

impl<'a> Builder<'a> {
    pub fn new(schema: Schema, diags: &'a mut Vec<Diagnostic>) -> Self {
        let by_kind = vec![Vec::new(); schema.kinds.len()];
        Builder::with_model(Model { schema: std::sync::Arc::new(schema), by_kind, ..Model::default() }, diags)
    }

    /// A builder that adds to `model` (whose schema it checks against).
    pub fn with_model(model: Model, diags: &'a mut Vec<Diagnostic>) -> Self {
        let shapes = model
            .schema
            .kinds
            .values()
            .map(|k| Shape {
                computed: k.computed_fields(),
                required: k.fields.values().filter(|f| f.required).map(|f| f.key.clone()).collect(),
                order: Vec::new(),
            })
            .collect();
        Builder { model, diags, shapes, tops: Vec::new() }
    }

    /// Takes the file's values out of its tree (texts are moved, not copied); the tree is not
    /// used after this. Each item is freed as soon as it is in the Model, so a large file never
    /// holds its whole tree and its whole Model at once.
    pub fn file(&mut self, file: FileId, origin: Origin, ast: &mut ast::Ast) {
        self.tops.clear();
        for item in std::mem::take(&mut ast.items) {
            match item {
                ast::Item::Block(mut b) => self.top_level(file, origin, &mut b),
                ast::Item::Rule(r) => self.model.rules.push((file, origin, *r)),
                ast::Item::Waiver(mut w) => self.waiver(file, origin, &mut w),
                ast::Item::Kind(_) | ast::Item::Enum(_) => {}
            }
        }
    }

    /// A waiver is checked like an item of the schema's `waiver` kind, without an ID of its own.
    fn waiver(&mut self, file: FileId, origin: Origin, w: &mut ast::Waiver) {
        let Some(kind) = self.model.schema.kind_id(crate::contract::WAIVER) else {
            self.diags.push(
                Diagnostic::new(codes::UNKNOWN_KIND, "waivers are not available: the stdlib declares no `waiver` kind")
                    .primary(file, w.rule.span, "cannot be checked"),
            );
            return;
        };
        let header = w.span.start as usize..w.target.span.end as usize;
        let mut block = ast::Block {
            kind: ast::Name {
                text: crate::contract::WAIVER.into(),
                span: crate::source::Span::new(header.start, header.start + 5),
            },
            id: None,
            title: None,
            entries: std::mem::take(&mut w.entries),
            span: w.span,
            open: w.target.span,
        };
        let node = self.node(file, origin, kind, &mut block, None);
        self.model.nodes[node.0 as usize].header = crate::source::Span::new(header.start, header.end);
        self.model.by_kind[kind].push(node);
        self.model.waivers.push(super::model::WaiverDecl { node, rule: w.rule.clone(), target: w.target.clone() });
    }

    fn top_level(&mut self, file: FileId, origin: Origin, block: &mut ast::Block) {
        let schema = &self.model.schema;
        let Some(kind) = schema.kind_id(&block.kind.text) else {
            let candidates = schema.kinds.values().filter(|k| !k.nested).map(|k| k.name.as_str());
            let help = did_you_mean(&block.kind.text, candidates)
                .unwrap_or_else(|| "see `aims kinds` for the kinds of item a spec can declare".to_string());
            self.diags.push(
                Diagnostic::new(codes::UNKNOWN_KIND, format!("unknown kind of item `{}`", block.kind.text))
                    .primary(file, block.kind.span, "not a kind of item")
                    .help(help),
            );
            return;
        };
        if schema.kind(kind).nested {
            let parents: Vec<String> = schema
                .kinds
                .values()
                .filter(|k| k.fields.values().any(|f| f.ty == Type::Block(kind)))
                .map(|k| format!("`{}`", k.name))
                .collect();
            self.diags.push(
                Diagnostic::new(
                    codes::MISPLACED_BLOCK,
                    format!("a `{}` block cannot stand on its own", block.kind.text),
                )
                .primary(file, block.kind.span, "only allowed inside another item")
                .help(if parents.is_empty() {
                    "it is part of the language's own syntax and cannot be declared as an item".to_string()
                } else {
                    format!("move it inside {}", join_or(&parents))
                }),
            );
            return;
        }
        let Some(id_span) = block.id.as_ref().map(|i| i.span) else {
            self.diags.push(
                Diagnostic::new(codes::MISSING_ID, format!("this `{}` has no ID", block.kind.text))
                    .primary(file, block.kind.span, "an ID is needed here")
                    .help(format!(
                        "give it a name that other items can refer to: `{} my_id {{ ... }}`",
                        block.kind.text
                    )),
            );
            return;
        };
        let node = self.node(file, origin, kind, block, None);
        self.register(file, node, id_span);
    }

    /// Adds the file's nodes that [`super::fragment`] kept, as the builder would have made
    /// them from the file's tree: each registered under its ID (an ID that another file
    /// declared already is reported, as it would be), and its nested blocks under theirs.
    /// References stay as written, for the resolver.
    pub fn merge(&mut self, file: FileId, fragment: super::fragment::Fragment) {
        self.tops.clear();
        let base = self.model.nodes.len() as u32;
        let at = |n: NodeId| NodeId(n.0 + base);
        fn relocate(v: &mut Value, at: &impl Fn(NodeId) -> NodeId) {
            match &mut v.kind {
                ValueKind::Block(n) => *n = at(*n),
                ValueKind::List(items) => items.iter_mut().for_each(|v| relocate(v, at)),
                _ => {}
            }
        }
        self.model.nodes.reserve(fragment.nodes.len());
        for mut node in fragment.nodes {
            node.file = file;
            node.parent = node.parent.map(at);
            node.fields.iter_mut().for_each(|(_, v)| relocate(v, &at));
            let id = NodeId(self.model.nodes.len() as u32);
            if let (Some(local), Some(parent)) = (&node.id, node.parent) {
                // A fragment is made of a clean file only: no ID is given twice in an item.
                let top = self.model.top_level(parent).expect("a parent has a top level");
                self.model.anchors.entry(top).or_default().entry(local.to_string()).or_insert(id);
            }
            self.model.nodes.push(node);
        }
        for (node, id_span) in fragment.tops {
            self.register(file, at(node), id_span);
        }
    }

    /// Registers the top-level item `node` under its ID, written at `id_span`.
    fn register(&mut self, file: FileId, node: NodeId, id_span: crate::source::Span) {
        let kind = self.model.nodes[node.0 as usize].kind;
        let model = &mut self.model;
        match model.by_id.insert(&model.nodes, node) {
            Err(first) => {
                let first = &model.nodes[first.0 as usize];
                let d = Diagnostic::new(codes::DUPLICATE_ID, format!("`{}` is declared twice", first.id_str()));
                let d = d
                    .primary(file, id_span, "declared again here")
                    .secondary(first.file, first.header, "first declared here")
                    .help("IDs are shared by all kinds and all files: rename one of them");
                self.diags.push(d);
            }
            Ok(()) => {
                self.model.items.push(node);
                self.model.by_kind[kind].push(node);
                self.tops.push((node, id_span));
            }
        }
    }

    /// Creates the node for a block (and its nested blocks) and checks its fields.
    fn node(
        &mut self,
        file: FileId,
        origin: Origin,
        kind: KindId,
        block: &mut ast::Block,
        parent: Option<NodeId>,
    ) -> NodeId {
        let id = NodeId(self.model.nodes.len() as u32);
        self.model.nodes.push(Node {
            kind,
            id: block.id.as_ref().map(|i| i.text.as_str().into()),
            title: block.title.as_mut().map(|t| std::mem::take(&mut t.value).into_boxed_str()),
            parent,
            file,
            origin,
            span: block.span,
            header: block.header_span(),
            fields: Fields::default(),
        });
        if let (Some(local), Some(parent)) = (&block.id, parent) {
            let top = self.model.top_level(parent).expect("a parent has a top level");
            let anchors = self.model.anchors.entry(top).or_default();
            if anchors.contains_key(local.text.as_str()) {
                self.diags.push(
                    Diagnostic::new(codes::DUPLICATE_ID, format!("`{}` is declared twice in this item", local.text))
                        .primary(file, local.span, "declared again here"),
                );
            } else {
                anchors.insert(local.text.to_string(), id);
            }
        }

        let schema = self.model.schema.clone();
        let kind_def = schema.kind(kind);
        // One allocation per node: room for every entry written (a block of a list-valued
        // field joins the others' list) and for the computed fields added later (scores).
        let computed = self.shapes[kind].computed;
        let mut fields = Fields::with_capacity(block.entries.len() + computed);
        // Fields given so far, with where: a block has a handful, so a list beats a map.
        let mut seen: Vec<(super::model::FieldName, crate::source::Span)> = Vec::with_capacity(block.entries.len());
        // The blocks of each list-valued field, gathered while the node is read and boxed once
        // at the end: a list grown one block at a time would be copied once per block.
        let mut blocks: Vec<(super::model::FieldName, Vec<Value>)> = Vec::new();
        for (j, entry) in block.entries.iter_mut().enumerate() {
            // The tree is consumed: the name is moved out of it, not copied.
            let name = match entry {
                Entry::Field(f) => &mut f.name,
                Entry::Block(b) => &mut b.kind,
            };
            let name = ast::Name { text: std::mem::take(&mut name.text), span: name.span };
            let order = &mut self.shapes[kind].order;
            let predicted = order
                .get(j)
                .and_then(|i| kind_def.fields.get_index(*i as usize))
                .filter(|(k, _)| k.as_str() == name.text.as_str())
                .map(|(_, def)| def);
            let found = predicted.or_else(|| {
                let (i, _, def) = kind_def.fields.get_full(name.text.as_str())?;
                if j < order.len() {
                    order[j] = i as u32;
                } else if j == order.len() {
                    order.push(i as u32);
                }
                Some(def)
            });
            let Some(def) = found else {
                let help = did_you_mean(&name.text, kind_def.fields.keys().map(|k| k.as_str()))
                    .unwrap_or_else(|| format!("the fields of a `{}` are: {}", kind_def.name, field_list(kind_def)));
                let what = if matches!(entry, Entry::Block(_)) { "block" } else { "field" };
                self.diags.push(
                    Diagnostic::new(
                        codes::UNKNOWN_FIELD,
                        format!("a `{}` has no {what} `{}`", kind_def.name, name.text),
                    )
                    .primary(file, name.span, format!("unknown {what}"))
                    .help(help),
                );
                continue;
            };
            if def.computed {
                self.diags.push(
                    Diagnostic::new(
                        codes::COMPUTED_FIELD,
                        format!("`{}` is computed by aims and cannot be written", name.text),
                    )
                    .primary(file, name.span, "computed field")
                    .help("remove it: the risk scoring fills it in (see `aims score`)"),
                );
                continue;
            }
            let (def_ty, many, key) = (&def.ty, def.many, def.key.clone());
            // Every key of a kind is its field's own shared name: the same field is the same
            // pointer, so no name is compared.
            let first = seen.iter().find(|(k, _)| k.same(&key)).map(|(_, s)| *s);
            match entry {
                Entry::Field(f) => {
                    if let Some(first) = first {
                        self.diags.push(
                            Diagnostic::new(codes::DUPLICATE_FIELD, format!("`{}` is given twice", name.text))
                                .primary(file, name.span, "given again here")
                                .secondary(file, first, "first given here")
                                .help("keep one of them; for several values use a list: `[a, b]`"),
                        );
                        continue;
                    }
                    seen.push((key.clone(), name.span));
                    // `field: todo` is a decision still to make (a skeleton from `aims init`):
                    // the field counts as given, holds no value, and is reported by
                    // `crate::placeholders` in grouped findings.
                    if matches!(&f.value.kind, ast::ValueKind::Word(w) if w == crate::contract::PLACEHOLDER) {
                        self.model.placeholders.push(super::model::Placeholder {
                            node: id,
                            field: key,
                            span: f.value.span,
                        });
                        continue;
                    }
                    if let Type::Block(k) = def_ty {
                        let block_kind = &schema.kind(*k).name;
                        self.diags.push(
                            Diagnostic::new(
                                codes::WRONG_TYPE,
                                format!("`{}` is a block, not a single value", name.text),
                            )
                            .primary(file, f.value.span, "expected a block")
                            .help(format!("write it as `{block_kind} {{ field: value ... }}`")),
                        );
                        continue;
                    }
                    if let Some(v) = self.value(file, &key, def_ty, &mut f.value) {
                        // Not given before (`seen`), and not a block's field: a new entry.
                        fields.push_new(key, v);
                    }
                }
                Entry::Block(b) => {
                    let Type::Block(child_kind) = def_ty else {
                        self.diags.push(
                            Diagnostic::new(codes::WRONG_TYPE, format!("`{}` is a field, not a block", name.text))
                                .primary(file, b.open, "a block is not allowed here")
                                .help(format!("write it as `{}: value`", name.text)),
                        );
                        continue;
                    };
                    let child = self.node(file, origin, *child_kind, b, Some(id));
                    let value = Value { kind: ValueKind::Block(child), span: b.span };
                    if many {
                        match blocks.iter_mut().find(|(k, _)| k.same(&key)) {
                            Some((_, list)) => {
                                if let Some(v) = fields.get_mut(&key) {
                                    v.span = v.span.to(b.span);
                                }
                                list.push(value);
                            }
                            None => {
                                // In the place of the first block; filled in below.
                                fields.insert(key.clone(), Value { kind: ValueKind::List(Box::new([])), span: b.span });
                                blocks.push((key, vec![value]));
                            }
                        }
                    } else if let Some(first) = first {
                        self.diags.push(
                            Diagnostic::new(
                                codes::REPEATED_BLOCK,
                                format!("only one `{}` block is allowed here", name.text),
                            )
                            .primary(file, name.span, "second block")
                            .secondary(file, first, "first block"),
                        );
                    } else {
                        seen.push((key.clone(), name.span));
                        fields.insert(key, value);
                    }
                }
            }
        }

        for (key, list) in blocks {
            if let Some(v) = fields.get_mut(&key) {
                v.kind = ValueKind::List(list.into_boxed_slice());
            }
        }

        let missing: Vec<&str> = self.shapes[kind]
            .required
            .iter()
            .filter(|key| !seen.iter().any(|(k, _)| k.same(key)) && !fields.iter().any(|(k, _)| k.same(key)))
            .map(|key| &**key)
            .collect();
        for name in missing {
            let what = match &block.id {
                Some(i) => format!("`{} {}`", kind_def.name, i.text),
                None => format!("this `{}`", kind_def.name),
            };
            let ty = &kind_def.fields[name].ty;
            let example = match ty {
                Type::Block(_) => format!("`{name} {{ ... }}`"),
                _ => format!("`{name}: ...` ({})", self.model.schema.describe_type(ty)),
            };
            self.diags.push(
                Diagnostic::new(codes::MISSING_FIELD, format!("{what} has no `{name}`, which is required"))
                    .primary(file, block.header_span(), format!("`{name}` missing"))
                    .help(format!("add {example}")),
            );
        }
        // The computed fields (scores) are added later: room for them now, none to spare.
        fields.shrink_to(computed);
        self.model.nodes[id.0 as usize].fields = fields;
        id
    }

    /// Converts a written value to the field's type, or reports why it does not fit.
    fn value(&mut self, file: FileId, field: &super::model::FieldName, ty: &Type, v: &mut ast::Value) -> Option<Value> {
        use ast::ValueKind as W;
        let span = v.span;
        let kind = match (ty, &mut v.kind) {
            (_, W::Invalid) => return None,
            (Type::Prim(Prim::Text), W::String(s) | W::Text(s)) => ValueKind::Text(std::mem::take(s).into_boxed_str()),
            (Type::Prim(Prim::Int), W::Integer(n)) => ValueKind::Int(*n),
            (Type::Prim(Prim::Decimal), W::Decimal(n)) => ValueKind::Decimal(*n),
            (Type::Prim(Prim::Decimal), W::Integer(n)) => ValueKind::Decimal(*n as f64),
            (Type::Prim(Prim::Percent), W::Percent(n)) => ValueKind::Percent(*n),
            (Type::Prim(Prim::Date), W::Date(d)) => ValueKind::Date(*d),
            (Type::Prim(Prim::Duration), W::Duration(n, u)) => ValueKind::Duration(*n, *u),
            (Type::Prim(Prim::Bool), W::Word(w)) if matches!(w.as_str(), "yes" | "true") => ValueKind::Bool(true),
            (Type::Prim(Prim::Bool), W::Word(w)) if matches!(w.as_str(), "no" | "false") => ValueKind::Bool(false),
            (Type::Prim(Prim::StdRef) | Type::Ref(_), W::StdRef { standard, clause }) => {
                ValueKind::Unresolved(Pending::Written(compact_str::format_compact!("{standard}:{clause}")))
            }
            (Type::Prim(Prim::StdRef), W::Dotted(name)) | (Type::Ref(_), W::Word(name) | W::Dotted(name)) => {
                ValueKind::Unresolved(self.pending(name))
            }
            (Type::Enum(e), W::Word(w)) => {
                let def = self.model.schema.enum_def(*e);
                match def.members.get_index_of(w.as_str()) {
                    Some(i) => ValueKind::Enum(*e, i as u32),
                    None => {
                        let help = did_you_mean(w, def.members.keys().map(|m| m.as_str())).unwrap_or_else(|| {
                            format!("allowed values: {}", listing(def.members.keys().map(|m| m.as_str()), " or "))
                        });
                        self.diags.push(
                            Diagnostic::new(
                                codes::UNKNOWN_ENUM_VALUE,
                                format!("`{w}` is not an allowed value of `{field}`"),
                            )
                            .primary(file, span, format!("not one of the `{}` values", def.name))
                            .help(help),
                        );
                        return None;
                    }
                }
            }
            (Type::List(inner), W::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(v) = self.value(file, field, inner, item) {
                        out.push(v);
                    }
                }
                ValueKind::List(out.into_boxed_slice())
            }
            // One value where a list is expected is a list of one: a field that became a list
            // (a system's operator roles, its suppliers) keeps accepting the specs written
            // before, and authors need not bracket the common case.
            (Type::List(inner), written) if !matches!(written, W::List(_)) => {
                let inner = (**inner).clone();
                return self
                    .value(file, field, &inner, v)
                    .map(|one| Value { kind: ValueKind::List(Box::new([one])), span });
            }
            (_, written) => {
                let expected = self.model.schema.describe_type(ty);
                let mut d = Diagnostic::new(
                    codes::WRONG_TYPE,
                    format!("`{field}` expects {expected}, but this is {}", written.describe()),
                )
                .primary(file, span, format!("expected {expected}"));
                d = d.help_opt(type_hint(ty, written));
                self.diags.push(d);
                return None;
            }
        };
        Some(Value { kind, span })
    }

    /// A reference by name, left for [`super::resolve`]: its text is moved out of the tree, and
    /// not kept at all when it names an item already declared.
    fn pending(&self, name: &str) -> Pending {
        match self.model.lookup(name) {
            Some(known) => Pending::Known(known),
            None => Pending::Written(name.into()),
        }
    }
}

fn field_list(kind: &super::schema::KindDef) -> String {
    if kind.fields.is_empty() {
        "(none)".into()
    } else {
        crate::diagnostics::suggest::listing(kind.fields.keys().map(|k| k.as_str()), ", ")
    }
}

/// A concrete fix for the commonest type mistakes.
fn type_hint(ty: &Type, written: &ast::ValueKind) -> Option<String> {
    use ast::ValueKind as W;
    match (ty, written) {
        // One value stands for a list of one, so the hint is the element's.
        (Type::List(inner), w) if !matches!(w, W::List(_)) => type_hint(inner, w),
        (Type::Prim(Prim::Text), W::Word(w)) => Some(format!("put the text in quotes: `\"{w}\"`")),
        (Type::Prim(Prim::Bool), _) => Some("write `yes` or `no`".into()),
        (Type::Prim(Prim::Duration), W::Integer(n)) => {
            Some(format!("give a unit: `{n} days`, `{n} months` or `{n} years`"))
        }
        (Type::Prim(Prim::Date), W::String(s)) if s.len() == 10 => {
            Some(format!("write the date without quotes: `{s}`"))
        }
        (Type::Prim(Prim::Percent), W::Integer(n)) => Some(format!("write it as a percentage: `{n}%`")),
        (Type::Ref(_), W::String(s)) => Some(format!("refer to the item by its ID, without quotes: `{s}`")),
        _ => None,
    }
}
