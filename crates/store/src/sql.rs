//! Conversions between domain values and their stored text forms.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Type;
use rusqlite::Row;

pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn opt_ts(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(ts)
}

pub(crate) fn date(day: Option<NaiveDate>) -> Option<String> {
    day.map(devicerisk_core::validate::iso_date)
}

fn bad(index: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        Type::Text,
        format!("unreadable {what}: {value:?}").into(),
    )
}

/// Reads the columns of a row in order, converting stored text to domain values.
pub(crate) struct Reader<'r, 's> {
    row: &'r Row<'s>,
    next: usize,
}

impl<'r, 's> Reader<'r, 's> {
    pub(crate) fn new(row: &'r Row<'s>) -> Self {
        Reader { row, next: 0 }
    }

    fn index(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    pub(crate) fn text(&mut self) -> rusqlite::Result<String> {
        let i = self.index();
        self.row.get(i)
    }

    pub(crate) fn opt_text(&mut self) -> rusqlite::Result<Option<String>> {
        let i = self.index();
        self.row.get(i)
    }

    pub(crate) fn int<T: rusqlite::types::FromSql>(&mut self) -> rusqlite::Result<T> {
        let i = self.index();
        self.row.get(i)
    }

    pub(crate) fn key<T>(&mut self, from_key: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
        let i = self.index();
        let value: String = self.row.get(i)?;
        from_key(&value).ok_or_else(|| bad(i, "key", &value))
    }

    pub(crate) fn id<T: FromStr>(&mut self) -> rusqlite::Result<T> {
        let i = self.index();
        let value: String = self.row.get(i)?;
        value.parse().map_err(|_| bad(i, "id", &value))
    }

    pub(crate) fn opt_id<T: FromStr>(&mut self) -> rusqlite::Result<Option<T>> {
        let i = self.index();
        let value: Option<String> = self.row.get(i)?;
        value
            .map(|v| v.parse().map_err(|_| bad(i, "id", &v)))
            .transpose()
    }

    pub(crate) fn opt_date(&mut self) -> rusqlite::Result<Option<NaiveDate>> {
        let i = self.index();
        let value: Option<String> = self.row.get(i)?;
        value
            .map(|v| v.parse::<NaiveDate>().map_err(|_| bad(i, "date", &v)))
            .transpose()
    }

    pub(crate) fn ts(&mut self) -> rusqlite::Result<DateTime<Utc>> {
        let i = self.index();
        let value: String = self.row.get(i)?;
        parse_ts(i, &value)
    }

    pub(crate) fn opt_ts(&mut self) -> rusqlite::Result<Option<DateTime<Utc>>> {
        let i = self.index();
        let value: Option<String> = self.row.get(i)?;
        value.map(|v| parse_ts(i, &v)).transpose()
    }
}

fn parse_ts(index: usize, value: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad(index, "timestamp", value))
}
