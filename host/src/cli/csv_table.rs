//! Reading an import CSV: a header naming the columns (any order, extra columns refused
//! only if unknown), a BOM tolerated, fields trimmed, and every unreadable row reported.

use std::collections::BTreeMap;

use crate::grid::unit_import::RowProblem;

/// A parsed file: each good record's fields by column name, and the unreadable rows.
pub struct CsvTable {
    columns: BTreeMap<String, usize>,
    /// `(row from 1, record)`.
    pub records: Vec<(usize, csv::StringRecord)>,
    /// Rows that could not be read at all.
    pub unreadable: Vec<RowProblem>,
}

impl CsvTable {
    /// Parses `text`, requiring every column in `required` and allowing those in `optional`.
    pub fn parse(text: &str, required: &[&str], optional: &[&str]) -> anyhow::Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers()?.clone();
        let columns: BTreeMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_owned(), i))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            anyhow::bail!("the header lacks the column(s) {}", missing.join(", "));
        }
        let unknown: Vec<&str> = columns
            .keys()
            .map(String::as_str)
            .filter(|c| !required.contains(c) && !optional.contains(c))
            .collect();
        if !unknown.is_empty() {
            anyhow::bail!(
                "unknown column(s) {} (expected {}; optional {})",
                unknown.join(", "),
                required.join(", "),
                optional.join(", ")
            );
        }
        let mut records = Vec::new();
        let mut unreadable = Vec::new();
        for (i, record) in reader.records().enumerate() {
            match record {
                Ok(record) => records.push((i + 1, record)),
                Err(e) => unreadable.push(RowProblem {
                    row: i + 1,
                    field: "file",
                    problem: e.to_string(),
                }),
            }
        }
        Ok(Self {
            columns,
            records,
            unreadable,
        })
    }

    /// The field `column` of `record` (empty when the column is absent).
    pub fn field<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|&i| record.get(i))
            .unwrap_or("")
    }
}
