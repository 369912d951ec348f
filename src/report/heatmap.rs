//! The organisation's own risk matrix, with how many risks sit in each cell before treatment
//! (inherent) and after (residual): the scales, levels and cell levels all come from the
//! scoring stage, which read them from the schema and the organisation's script.

use super::view::Item;
use crate::contract as c;
use crate::scoring::Scoring;
use crate::sema::Model;

pub struct HeatMap {
    /// Scales from lowest to highest.
    pub likelihoods: Vec<String>,
    pub impacts: Vec<String>,
    pub levels: Vec<String>,
    pub appetite: Option<String>,
    /// `level[impact][likelihood]`: index into `levels`.
    pub level: Vec<Vec<Option<usize>>>,
    pub inherent: Vec<Vec<Vec<String>>>,
    pub residual: Vec<Vec<Vec<String>>>,
}

pub fn build(model: &Model, s: &Scoring) -> HeatMap {
    let (nl, ni) = (s.likelihoods.len(), s.impacts.len());
    let mut level = vec![vec![None; nl]; ni];
    for cell in &s.matrix {
        let li = s.likelihoods.iter().position(|l| *l == cell.likelihood);
        let ii = s.impacts.iter().position(|i| *i == cell.impact);
        if let (Some(li), Some(ii)) = (li, ii) {
            level[ii][li] = s.levels.iter().position(|l| *l == cell.level);
        }
    }
    let mut inherent = vec![vec![Vec::new(); nl]; ni];
    let mut residual = vec![vec![Vec::new(); nl]; ni];
    let place = |item: &Item| {
        let li = s.likelihoods.iter().position(|l| *l == item.text(c::LIKELIHOOD))?;
        let ii = s.impacts.iter().position(|i| *i == item.text(c::IMPACT))?;
        Some((ii, li))
    };
    for r in &s.risks {
        let risk = Item::new(model, r.risk);
        if let Some((ii, li)) = place(&risk) {
            inherent[ii][li].push(risk.name());
        }
        for res in &r.residual {
            let t = Item::new(model, res.treatment);
            if let Some(block) = t.blocks(c::RESIDUAL).first() {
                if let Some((ii, li)) = place(block) {
                    residual[ii][li].push(risk.name());
                }
            }
        }
    }
    HeatMap {
        likelihoods: s.likelihoods.clone(),
        impacts: s.impacts.clone(),
        levels: s.levels.clone(),
        appetite: s.appetite.clone(),
        level,
        inherent,
        residual,
    }
}
