//! Reading an endoflife.date release file (`products/<name>.md`: YAML front matter with a
//! `releases:` list) and merging it into the end-of-support table, reporting what changed.
//!
//! Only the subset of YAML these files use for their release list is read: top-level
//! `key: value` lines, the `alternate_urls` list and the `releases` list of flat `key: value`
//! maps. Other blocks (`auto`, `identifiers`) are skipped, and unknown keys are ignored, so a
//! newer file with more keys still imports.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::table::{parse_iso_date, OsRelease, OsTable, SupportEnd, TableError};

/// One release as an endoflife.date file states it. `None`: the file does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndoflifeRelease {
    pub cycle: String,
    pub label: Option<String>,
    pub codename: Option<String>,
    pub release_date: Option<chrono::NaiveDate>,
    pub eoas: Option<SupportEnd>,
    pub eol: Option<SupportEnd>,
    pub eoes: Option<SupportEnd>,
    pub lts: Option<bool>,
    pub link: Option<String>,
}

/// The parts of an endoflife.date product file the table uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndoflifeFile {
    pub title: Option<String>,
    pub permalink: Option<String>,
    pub alternate_urls: Vec<String>,
    /// The product's label template (`Windows Server __RELEASE_CYCLE__`).
    pub release_label: Option<String>,
    pub releases: Vec<EndoflifeRelease>,
}

/// Drops a trailing `# comment` (a `#` after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return &line[..i],
            None => {}
        }
        previous = c;
    }
    line
}

/// A scalar: quotes removed; `None` for null or empty.
fn scalar(raw: &str) -> Option<String> {
    let value = raw.trim();
    let unquoted = if value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')))
    {
        value[1..value.len() - 1].to_string()
    } else {
        if matches!(value, "" | "null" | "~") {
            return None;
        }
        value.to_string()
    };
    Some(unquoted)
}

fn split_key(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim();
    if key.is_empty() || key.contains(' ') {
        return None;
    }
    Some((key, value))
}

fn support_end(value: &str, key: &str, cycle: &str) -> Result<SupportEnd, TableError> {
    match value {
        "true" => Ok(SupportEnd::Ended),
        "false" => Ok(SupportEnd::NotAnnounced),
        text => parse_iso_date(text).map(SupportEnd::On).ok_or_else(|| {
            TableError::Import(format!(
                "release '{cycle}': {key} '{text}' is not a date, true or false"
            ))
        }),
    }
}

#[derive(Default)]
struct RawRelease {
    fields: Vec<(String, String)>,
}

impl RawRelease {
    fn into_release(self) -> Result<EndoflifeRelease, TableError> {
        let get = |key: &str| {
            self.fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let cycle = get("releaseCycle")
            .ok_or_else(|| TableError::Import("a release has no releaseCycle".to_string()))?;
        let end = |key: &str| -> Result<Option<SupportEnd>, TableError> {
            get(key).map(|v| support_end(&v, key, &cycle)).transpose()
        };
        let release_date = match get("releaseDate") {
            None => None,
            Some(text) => Some(parse_iso_date(&text).ok_or_else(|| {
                TableError::Import(format!(
                    "release '{cycle}': releaseDate '{text}' is not a date"
                ))
            })?),
        };
        Ok(EndoflifeRelease {
            label: get("releaseLabel"),
            codename: get("codename"),
            release_date,
            eoas: end("eoas")?,
            eol: end("eol")?,
            eoes: end("eoes")?,
            // `lts` is a boolean or the date LTS status starts: either way, a date means LTS.
            lts: get("lts").map(|v| v != "false"),
            link: get("link"),
            cycle,
        })
    }
}

/// Parses an endoflife.date product file (`products/<name>.md`).
pub fn parse_endoflife(text: &str) -> Result<EndoflifeFile, TableError> {
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return Err(TableError::Import(
            "this is not an endoflife.date product file: it does not start with '---'".to_string(),
        ));
    }
    let mut file = EndoflifeFile {
        title: None,
        permalink: None,
        alternate_urls: Vec::new(),
        release_label: None,
        releases: Vec::new(),
    };
    #[derive(PartialEq)]
    enum Block {
        Other,
        AlternateUrls,
        Releases,
    }
    let mut block = Block::Other;
    let mut current: Option<RawRelease> = None;
    let mut closed = false;
    for raw_line in lines {
        if raw_line.trim_end() == "---" {
            closed = true;
            break;
        }
        let line = strip_comment(raw_line).trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let top_level = !line.starts_with(' ') && !line.starts_with('-');
        if top_level {
            if let Some(done) = current.take() {
                file.releases.push(done.into_release()?);
            }
            block = Block::Other;
            let Some((key, value)) = split_key(line) else {
                continue;
            };
            match key {
                "title" => file.title = scalar(value),
                "permalink" => file.permalink = scalar(value),
                "releaseLabel" => file.release_label = scalar(value),
                "alternate_urls" => block = Block::AlternateUrls,
                "releases" => block = Block::Releases,
                _ => {}
            }
            continue;
        }
        let item = line.trim_start();
        match block {
            Block::Other => {}
            Block::AlternateUrls => {
                if let Some(url) = item.strip_prefix("- ").and_then(scalar) {
                    file.alternate_urls.push(url);
                }
            }
            Block::Releases => {
                let entry = match item.strip_prefix("- ").or_else(|| item.strip_prefix('-')) {
                    Some(rest) => {
                        if let Some(done) = current.take() {
                            file.releases.push(done.into_release()?);
                        }
                        current = Some(RawRelease::default());
                        rest
                    }
                    None => item,
                };
                if let (Some(release), Some((key, value))) = (current.as_mut(), split_key(entry)) {
                    if let Some(value) = scalar(value) {
                        release.fields.push((key.to_string(), value));
                    }
                }
            }
        }
    }
    if let Some(done) = current.take() {
        file.releases.push(done.into_release()?);
    }
    if !closed {
        return Err(TableError::Import(
            "the front matter is not closed by a '---' line".to_string(),
        ));
    }
    if file.releases.is_empty() {
        return Err(TableError::Import("the file lists no releases".to_string()));
    }
    Ok(file)
}

/// One field of one release that an import changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ReleaseChange {
    pub release_id: String,
    pub label: String,
    /// The field in words ("end of security support").
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What importing an endoflife.date file did to the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct EolImportReport {
    pub platform_id: String,
    pub platform_name: String,
    /// Releases new to the table (ids).
    pub added: Vec<String>,
    pub changed: Vec<ReleaseChange>,
    /// Releases the file states exactly as the table already has them.
    pub unchanged: i32,
    /// Releases of the platform in the table but not in the file; they are kept.
    pub kept_not_in_file: Vec<String>,
    /// The report in a few sentences.
    pub summary: String,
}

fn substitute(template: &str, cycle: &str, codename: Option<&str>) -> String {
    template
        .replace("__RELEASE_CYCLE__", cycle)
        .replace("__CODENAME__", codename.unwrap_or_default())
}

fn describe_opt(end: Option<SupportEnd>) -> String {
    end.map(SupportEnd::describe)
        .unwrap_or_else(|| "not stated".to_string())
}

impl OsTable {
    /// Merges an endoflife.date product file into a copy of the table: the platform is
    /// recognised by the file's permalink; releases the file states are added or updated (a
    /// field the file does not state is kept), listed names, notes and sources of known releases
    /// are kept, and releases missing from the file are kept.
    pub fn import_endoflife(&self, text: &str) -> Result<(OsTable, EolImportReport), TableError> {
        let file = parse_endoflife(text)?;
        let urls: Vec<&str> = file
            .permalink
            .iter()
            .chain(&file.alternate_urls)
            .map(String::as_str)
            .collect();
        let platform = self
            .platforms()
            .iter()
            .find(|p| {
                p.endoflife_permalink
                    .as_deref()
                    .is_some_and(|link| urls.contains(&link))
            })
            .ok_or_else(|| {
                TableError::Import(format!(
                    "this file is for {} ({}), which is not a platform of the table",
                    file.title.as_deref().unwrap_or("an unnamed product"),
                    file.permalink.as_deref().unwrap_or("no permalink")
                ))
            })?
            .clone();

        let mut releases: Vec<OsRelease> = self.releases().to_vec();
        let mut added = Vec::new();
        let mut changed = Vec::new();
        let mut unchanged = 0;
        let mut seen = Vec::new();
        for incoming in &file.releases {
            let id = format!("{}/{}", platform.id, incoming.cycle);
            seen.push(id.clone());
            let template = incoming
                .label
                .as_deref()
                .or(file.release_label.as_deref())
                .unwrap_or(&incoming.cycle);
            let mut label = substitute(template, &incoming.cycle, incoming.codename.as_deref());
            let lower = label.to_lowercase();
            if !platform
                .label_prefixes
                .iter()
                .any(|p| lower.starts_with(&p.to_lowercase()))
            {
                label = format!("{} {label}", platform.label_prefixes[0]);
            }
            match releases.iter_mut().find(|r| r.id == id) {
                None => {
                    added.push(id.clone());
                    releases.push(OsRelease {
                        id,
                        platform: platform.id.clone(),
                        cycle: incoming.cycle.clone(),
                        label,
                        codename: incoming.codename.clone(),
                        release_date: incoming.release_date,
                        active_support_end: incoming.eoas,
                        security_support_end: incoming.eol.unwrap_or(SupportEnd::NotAnnounced),
                        extended_support_end: incoming.eoes,
                        lts: incoming.lts.unwrap_or(false),
                        link: incoming.link.clone(),
                        source: format!("endoflife.date products/{}.md (imported)", platform.id),
                        aliases: Vec::new(),
                        note: None,
                        see_also: Vec::new(),
                    });
                }
                Some(existing) => {
                    let before = changed.len();
                    let mut change = |field: &str, old: String, new: String| {
                        if old != new {
                            changed.push(ReleaseChange {
                                release_id: id.clone(),
                                label: label.clone(),
                                field: field.to_string(),
                                before: old,
                                after: new,
                            });
                        }
                    };
                    change("label", existing.label.clone(), label.clone());
                    existing.label = label.clone();
                    if let Some(codename) = &incoming.codename {
                        change(
                            "codename",
                            existing.codename.clone().unwrap_or_default(),
                            codename.clone(),
                        );
                        existing.codename = Some(codename.clone());
                    }
                    if let Some(date) = incoming.release_date {
                        change(
                            "release date",
                            existing
                                .release_date
                                .map(|d| d.to_string())
                                .unwrap_or_default(),
                            date.to_string(),
                        );
                        existing.release_date = Some(date);
                    }
                    if let Some(end) = incoming.eoas {
                        change(
                            "end of active support",
                            describe_opt(existing.active_support_end),
                            end.describe(),
                        );
                        existing.active_support_end = Some(end);
                    }
                    if let Some(end) = incoming.eol {
                        change(
                            "end of security support",
                            existing.security_support_end.describe(),
                            end.describe(),
                        );
                        existing.security_support_end = end;
                    }
                    if let Some(end) = incoming.eoes {
                        change(
                            "end of extended security updates",
                            describe_opt(existing.extended_support_end),
                            end.describe(),
                        );
                        existing.extended_support_end = Some(end);
                    }
                    if let Some(lts) = incoming.lts {
                        change(
                            "long-term support",
                            existing.lts.to_string(),
                            lts.to_string(),
                        );
                        existing.lts = lts;
                    }
                    if let Some(link) = &incoming.link {
                        change(
                            "link",
                            existing.link.clone().unwrap_or_default(),
                            link.clone(),
                        );
                        existing.link = Some(link.clone());
                    }
                    if changed.len() == before {
                        unchanged += 1;
                    }
                }
            }
        }
        let kept_not_in_file: Vec<String> = releases
            .iter()
            .filter(|r| r.platform == platform.id && !seen.contains(&r.id))
            .map(|r| r.id.clone())
            .collect();
        let table = OsTable::new(
            self.attribution.clone(),
            self.snapshot.clone(),
            self.platforms().to_vec(),
            releases,
        )?;
        let changed_releases = {
            let mut ids: Vec<&str> = changed.iter().map(|c| c.release_id.as_str()).collect();
            ids.dedup();
            ids.len()
        };
        let summary = format!(
            "{}: {} release(s) added, {} changed ({} field(s)), {} unchanged; {} release(s) of the \
             table are not in the file and were kept.",
            platform.name,
            added.len(),
            changed_releases,
            changed.len(),
            unchanged,
            kept_not_in_file.len()
        );
        let report = EolImportReport {
            platform_id: platform.id.clone(),
            platform_name: platform.name.clone(),
            added,
            changed,
            unchanged,
            kept_not_in_file,
            summary,
        };
        Ok((table, report))
    }
}
