//! The schema: which kinds of item exist, their fields and types, and the enums. Built from
//! `kind`, `block` and `enum` declarations in aims source (stdlib/schema/ and the spec), so
//! adding a field or a kind never needs a change to Rust.

use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, TypeExpr};
use indexmap::IndexMap;

pub type KindId = usize;

/// The schema's maps, by name in declaration order. Every item and every field of a spec is
/// looked up here by its written name, so the hash is the fast Fx one (the order is the
/// insertion order whatever the hasher).
pub type ByName<V> = IndexMap<String, V, rustc_hash::FxBuildHasher>;
pub type EnumId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim {
    Text,
    Int,
    Decimal,
    Percent,
    Bool,
    Date,
    Duration,
    StdRef,
}

impl Prim {
    fn plural(self) -> &'static str {
        match self {
            Prim::Text => "texts in quotes",
            Prim::Int => "whole numbers",
            Prim::Decimal => "numbers",
            Prim::Percent => "percentages",
            Prim::Bool => "`yes` or `no` values",
            Prim::Date => "dates",
            Prim::Duration => "durations",
            Prim::StdRef => "standard references such as `iso42001:6.1.3`",
        }
    }

    fn from_name(name: &str) -> Option<Prim> {
        Some(match name {
            "string" | "text" => Prim::Text,
            "int" => Prim::Int,
            "decimal" => Prim::Decimal,
            "percent" => Prim::Percent,
            "bool" => Prim::Bool,
            "date" => Prim::Date,
            "duration" => Prim::Duration,
            "stdref" => Prim::StdRef,
            _ => return None,
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            Prim::Text => "a text in quotes",
            Prim::Int => "a whole number",
            Prim::Decimal => "a number",
            Prim::Percent => "a percentage such as `95%`",
            Prim::Bool => "`yes` or `no`",
            Prim::Date => "a date such as `2026-03-10`",
            Prim::Duration => "a duration such as `90 days` or `1 year`",
            Prim::StdRef => "a standard reference such as `iso42001:6.1.3`",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Prim(Prim),
    Enum(EnumId),
    /// A reference to an item of one of these kinds.
    Ref(Vec<KindId>),
    /// A nested block of this kind.
    Block(KindId),
    List(Box<Type>),
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    /// The name, shared by every node that has the field.
    pub key: super::model::FieldName,
    pub ty: Type,
    pub required: bool,
    pub many: bool,
    /// Set by the compiler (scores and levels), never written in a spec.
    pub computed: bool,
    pub description: Option<String>,
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct KindDef {
    pub name: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    /// Only appears inside another item.
    pub nested: bool,
    pub fields: ByName<FieldDef>,
    pub file: FileId,
    pub span: Span,
}

impl KindDef {
    /// How many of the kind's fields are computed (scores), added to each node after it is built.
    pub fn computed_fields(&self) -> usize {
        self.fields.values().filter(|f| f.computed).count()
    }
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: String,
    pub title: Option<String>,
    pub doc: Option<String>,
    /// Members in their declared order, which is the order of comparison.
    pub members: ByName<Option<String>>,
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub kinds: ByName<KindDef>,
    pub enums: ByName<EnumDef>,
}

impl Schema {
    pub fn kind(&self, id: KindId) -> &KindDef {
        &self.kinds[id]
    }
    pub fn kind_id(&self, name: &str) -> Option<KindId> {
        self.kinds.get_index_of(name)
    }
    pub fn enum_def(&self, id: EnumId) -> &EnumDef {
        &self.enums[id]
    }

    /// "a `person` or a `role`"
    pub fn describe_kinds(&self, kinds: &[KindId]) -> String {
        let names: Vec<String> = kinds.iter().map(|k| format!("a `{}`", self.kinds[*k].name)).collect();
        join_or(&names)
    }

    /// "`person` or `role`"
    pub fn kind_names(&self, kinds: &[KindId]) -> String {
        let names: Vec<String> = kinds.iter().map(|k| format!("`{}`", self.kinds[*k].name)).collect();
        join_or(&names)
    }

    pub fn describe_type(&self, ty: &Type) -> String {
        match ty {
            Type::Prim(p) => p.describe().to_string(),
            Type::Enum(e) => format!("one of the `{}` values", self.enums[*e].name),
            Type::Ref(kinds) => format!("the ID of {}", self.describe_kinds(kinds)),
            Type::Block(k) => format!("a `{} {{ ... }}` block", self.kinds[*k].name),
            Type::List(inner) => match &**inner {
                Type::Prim(p) => format!("a list of {}", p.plural()),
                Type::Enum(e) => format!("a list of `{}` values", self.enums[*e].name),
                Type::Ref(kinds) => format!("a list of IDs of {} items", self.kind_names(kinds)),
                Type::Block(k) => format!("a list of `{}` blocks", self.kinds[*k].name),
                Type::List(_) => "a list of lists".to_string(),
            },
        }
    }
}

pub fn join_or(words: &[String]) -> String {
    match words.len() {
        0 => String::new(),
        1 => words[0].clone(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// Builds the schema from every declaration of every file (stdlib first, then the spec).
pub fn build(files: &[(FileId, &ast::Ast)], diags: &mut Vec<Diagnostic>) -> Schema {
    let mut schema = Schema::default();
    // Names first, so that a field may refer to a kind declared later or in another file.
    let mut decls: Vec<(FileId, &ast::KindDecl)> = Vec::new();
    for (file, ast) in files {
        for item in &ast.items {
            match item {
                ast::Item::Kind(k) => {
                    if let Some(first) = declared_at(&schema, &k.name.text) {
                        diags.push(duplicate(*file, &k.name, first));
                        continue;
                    }
                    schema.kinds.insert(
                        k.name.text.to_string(),
                        KindDef {
                            name: k.name.text.to_string(),
                            title: k.title.as_ref().map(|t| t.value.clone()),
                            doc: k.doc.as_ref().map(|d| d.value.clone()),
                            nested: k.nested,
                            fields: ByName::default(),
                            file: *file,
                            span: k.name.span,
                        },
                    );
                    decls.push((*file, k));
                }
                ast::Item::Enum(e) => {
                    if let Some(first) = declared_at(&schema, &e.name.text) {
                        diags.push(duplicate(*file, &e.name, first));
                        continue;
                    }
                    let mut members = ByName::default();
                    for m in &e.members {
                        if members.contains_key(m.name.text.as_str()) {
                            diags.push(
                                Diagnostic::new(
                                    codes::BAD_SCHEMA,
                                    format!("`{}` is listed twice in `{}`", m.name.text, e.name.text),
                                )
                                .primary(*file, m.name.span, "listed again here"),
                            );
                            continue;
                        }
                        members.insert(m.name.text.to_string(), m.description.as_ref().map(|d| d.value.clone()));
                    }
                    schema.enums.insert(
                        e.name.text.to_string(),
                        EnumDef {
                            name: e.name.text.to_string(),
                            title: e.title.as_ref().map(|t| t.value.clone()),
                            doc: e.doc.as_ref().map(|d| d.value.clone()),
                            members,
                            file: *file,
                            span: e.name.span,
                        },
                    );
                }
                _ => {}
            }
        }
    }
    for (file, decl) in decls {
        let mut fields = ByName::default();
        for f in &decl.fields {
            if fields.contains_key(f.name.text.as_str()) {
                diags.push(
                    Diagnostic::new(
                        codes::BAD_SCHEMA,
                        format!("the field `{}` is declared twice in `{}`", f.name.text, decl.name.text),
                    )
                    .primary(file, f.name.span, "declared again here"),
                );
                continue;
            }
            let Some(ty) = resolve_type(&schema, &f.ty, file, diags) else { continue };
            if f.many && !matches!(ty, Type::Block(_)) {
                diags.push(
                    Diagnostic::new(
                        codes::BAD_SCHEMA,
                        format!("`many` only applies to nested blocks, and `{}` is not one", f.name.text),
                    )
                    .primary(file, f.span, "not a block")
                    .help("use a list type such as `[control]` for several values"),
                );
            }
            fields.insert(
                f.name.text.to_string(),
                FieldDef {
                    name: f.name.text.to_string(),
                    key: f.name.text.as_str().into(),
                    ty,
                    required: f.required,
                    many: f.many,
                    computed: f.computed,
                    description: f.description.as_ref().map(|d| d.value.clone()),
                    file,
                    span: f.name.span,
                },
            );
        }
        schema.kinds.get_mut(decl.name.text.as_str()).expect("registered above").fields = fields;
    }
    schema
}

fn declared_at(schema: &Schema, name: &str) -> Option<(FileId, Span)> {
    schema.kinds.get(name).map(|k| (k.file, k.span)).or_else(|| schema.enums.get(name).map(|e| (e.file, e.span)))
}

fn duplicate(file: FileId, name: &ast::Name, first: (FileId, Span)) -> Diagnostic {
    Diagnostic::new(codes::BAD_SCHEMA, format!("`{}` is declared twice", name.text))
        .primary(file, name.span, "declared again here")
        .secondary(first.0, first.1, "first declared here")
}

fn resolve_type(schema: &Schema, ty: &TypeExpr, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<Type> {
    match ty {
        TypeExpr::List(inner, _) => Some(Type::List(Box::new(resolve_type(schema, inner, file, diags)?))),
        TypeExpr::Names(names) => {
            if names.len() == 1 {
                let name = &names[0];
                if let Some(p) = Prim::from_name(&name.text) {
                    return Some(Type::Prim(p));
                }
                if let Some(e) = schema.enums.get_index_of(name.text.as_str()) {
                    return Some(Type::Enum(e));
                }
                if let Some(k) = schema.kinds.get_index_of(name.text.as_str()) {
                    return Some(if schema.kinds[k].nested { Type::Block(k) } else { Type::Ref(vec![k]) });
                }
                diags.push(unknown_type(schema, file, name));
                return None;
            }
            // Several kinds make a reference. A nested kind among them (`control | annex_control`)
            // is referred to by the ID it has inside its item: `A.7.4`, or `iso42001:A.7.4`.
            let mut kinds = Vec::new();
            for name in names {
                match schema.kinds.get_index_of(name.text.as_str()) {
                    Some(k) => kinds.push(k),
                    None => diags.push(unknown_type(schema, file, name)),
                }
            }
            (kinds.len() == names.len()).then_some(Type::Ref(kinds))
        }
    }
}

const PRIMS: [&str; 9] = ["string", "text", "int", "decimal", "percent", "bool", "date", "duration", "stdref"];

fn unknown_type(schema: &Schema, file: FileId, name: &ast::Name) -> Diagnostic {
    let candidates = PRIMS
        .iter()
        .copied()
        .chain(schema.kinds.keys().map(|k| k.as_str()))
        .chain(schema.enums.keys().map(|e| e.as_str()));
    Diagnostic::new(codes::BAD_SCHEMA, format!("unknown type `{}`", name.text))
        .primary(file, name.span, "not a kind, an enum or a basic type")
        .help_opt(did_you_mean(&name.text, candidates))
}
