//! Reading a file of base-data rows, CSV or JSON, into one table: a header naming the
//! columns (any order; a column neither required nor optional is refused), every field a
//! string, trimmed. CSV may start with a BOM; JSON is an array of objects whose values are
//! strings, numbers, `null` (empty) or, for `tags`, an array of strings. Every unreadable
//! row is reported with its number; the rest are read.

use std::collections::BTreeMap;

use serde_json::Value;

use super::unit_import::RowProblem;

/// The two formats a file of rows comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A header line, then one record per line.
    Csv,
    /// `[{"column": "value", …}, …]`.
    Json,
}

/// A parsed file: each readable row's fields by column, and the unreadable rows.
#[derive(Debug, Clone, Default)]
pub struct ImportTable {
    columns: BTreeMap<String, usize>,
    /// `(row from 1, fields in column order)`.
    pub records: Vec<(usize, Vec<String>)>,
    /// Rows that could not be read at all.
    pub unreadable: Vec<RowProblem>,
}

/// Why a file could not be read as a table at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// Not CSV, or not a JSON array of objects.
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    /// Required columns are missing.
    #[error("the header lacks the column(s) {0}")]
    Missing(String),
    /// Columns nobody asked for.
    #[error("unknown column(s) {unknown} (expected {required}; optional {optional})")]
    Unknown {
        /// The unknown ones.
        unknown: String,
        /// The required ones.
        required: String,
        /// The optional ones.
        optional: String,
    },
}

fn check_columns<'a>(
    names: impl Iterator<Item = &'a str>,
    required: &[&str],
    optional: &[&str],
) -> Result<BTreeMap<String, usize>, TableError> {
    let columns: BTreeMap<String, usize> = names
        .enumerate()
        .map(|(i, name)| (name.trim().to_owned(), i))
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(TableError::Missing(missing.join(", ")));
    }
    let unknown: Vec<&str> = columns
        .keys()
        .map(String::as_str)
        .filter(|c| !required.contains(c) && !optional.contains(c))
        .collect();
    if !unknown.is_empty() {
        return Err(TableError::Unknown {
            unknown: unknown.join(", "),
            required: required.join(", "),
            optional: optional.join(", "),
        });
    }
    Ok(columns)
}

impl ImportTable {
    /// Parses `text` as `format`, requiring every column in `required` and allowing those
    /// in `optional`.
    pub fn parse(
        text: &str,
        format: Format,
        required: &[&str],
        optional: &[&str],
    ) -> Result<Self, TableError> {
        match format {
            Format::Csv => Self::parse_csv(text, required, optional),
            Format::Json => Self::parse_json(text, required, optional),
        }
    }

    fn parse_csv(text: &str, required: &[&str], optional: &[&str]) -> Result<Self, TableError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| TableError::Unreadable(e.to_string()))?
            .clone();
        let columns = check_columns(headers.iter(), required, optional)?;
        let mut table = Self {
            columns,
            ..Self::default()
        };
        for (i, record) in reader.records().enumerate() {
            match record {
                Ok(record) => table
                    .records
                    .push((i + 1, record.iter().map(str::to_owned).collect())),
                Err(e) => table.unreadable.push(RowProblem {
                    row: i + 1,
                    field: "file",
                    problem: e.to_string(),
                }),
            }
        }
        Ok(table)
    }

    fn parse_json(text: &str, required: &[&str], optional: &[&str]) -> Result<Self, TableError> {
        let rows: Vec<serde_json::Map<String, Value>> = serde_json::from_str(text)
            .map_err(|e| TableError::Unreadable(format!("expected an array of objects: {e}")))?;
        let mut names: Vec<&str> = Vec::new();
        for row in &rows {
            for name in row.keys() {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        let columns = check_columns(names.iter().copied(), required, optional)?;
        let mut table = Self {
            columns,
            ..Self::default()
        };
        'rows: for (i, row) in rows.iter().enumerate() {
            let mut fields = vec![String::new(); table.columns.len()];
            for (name, value) in row {
                let text = match value {
                    Value::String(text) => text.trim().to_owned(),
                    Value::Number(number) => number.to_string(),
                    Value::Null => String::new(),
                    Value::Array(items) if name == "tags" => {
                        let tags: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                        match tags {
                            Some(tags) => tags.join("|"),
                            None => {
                                table.unreadable.push(RowProblem {
                                    row: i + 1,
                                    field: "tags",
                                    problem: "expected an array of strings".into(),
                                });
                                continue 'rows;
                            }
                        }
                    }
                    _ => {
                        table.unreadable.push(RowProblem {
                            row: i + 1,
                            field: "file",
                            problem: format!("`{name}`: expected a string, a number or null"),
                        });
                        continue 'rows;
                    }
                };
                if let Some(&index) = table.columns.get(name.trim()) {
                    fields[index] = text;
                }
            }
            table.records.push((i + 1, fields));
        }
        Ok(table)
    }

    /// Whether the file has column `column`.
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The field `column` of `record` (empty when the column is absent).
    pub fn field<'r>(&self, record: &'r [String], column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|&i| record.get(i))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_read_into_the_same_table() {
        let csv = ImportTable::parse(
            "\u{feff}name, phone\n张三, 13800000000\n\"broken\n",
            Format::Csv,
            &["name"],
            &["phone", "tags"],
        )
        .expect("reads");
        assert_eq!(csv.records.len(), 1);
        assert_eq!(csv.field(&csv.records[0].1, "phone"), "13800000000");
        assert_eq!(csv.unreadable.len(), 1, "{:?}", csv.unreadable);
        let json = ImportTable::parse(
            r#"[{"name":"张三","phone":13800000000,"tags":["独居","低保"]},{"name":{}}]"#,
            Format::Json,
            &["name"],
            &["phone", "tags"],
        )
        .expect("reads");
        assert_eq!(json.field(&json.records[0].1, "phone"), "13800000000");
        assert_eq!(json.field(&json.records[0].1, "tags"), "独居|低保");
        assert_eq!(json.unreadable[0].row, 2);
    }

    #[test]
    fn columns_are_checked_before_any_row() {
        let missing = ImportTable::parse("phone\n1\n", Format::Csv, &["name"], &["phone"]);
        assert_eq!(
            missing.expect_err("missing"),
            TableError::Missing("name".into())
        );
        let unknown = ImportTable::parse(r#"[{"name":"a","x":1}]"#, Format::Json, &["name"], &[]);
        assert!(matches!(unknown, Err(TableError::Unknown { .. })));
        assert!(ImportTable::parse("{", Format::Json, &["name"], &[]).is_err());
    }
}
