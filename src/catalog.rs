//! The blocks the `kaizen` command knows: Kaizen's own, and a user's.
//!
//! Kaizen's binary runs with [`Catalog::kaizen`]. A user's crate builds a
//! [`Catalog::project`], adds its blocks, and hands it to [`crate::main`]:
//! every command (`emit`, `lint`, `cdc`, `check-constraints`, `flow`) then
//! works on the user's blocks exactly as on Kaizen's, with their SDC and
//! floorplan files read from the project's `constraints/` directory.
//!
//! ```
//! use kaizen::prelude::*;
//! use kaizen::Catalog;
//!
//! let catalog = Catalog::project(env!("CARGO_MANIFEST_DIR"))
//!     .block("my_fifo", "a 16 x 8 FIFO", || SyncFifo::<Bits<8>, 4, 5>::new(12))
//!     .unwrap();
//! let entry = catalog.find("my_fifo").unwrap();
//! let emitted = entry.emit().unwrap();
//! assert_eq!(emitted.top_module, "my_fifo");
//! // Kaizen's blocks are listed beside the project's; `--all` means the project's.
//! assert!(catalog.find("crc32").is_ok());
//! assert_eq!(catalog.default_blocks(), ["my_fifo"]);
//! ```

use kaizen_hdl::emit::{emit_named, Emitted};
use rust_hdl::prelude::Block;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Builds one block's Verilog and manifest entry.
type EmitFn = Box<dyn Fn() -> Result<Emitted, String> + Send + Sync>;

/// Where a block comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// One of Kaizen's own blocks (`hdl/src/catalog.rs`).
    Kaizen,
    /// A block of the user's project.
    Project,
}

/// One block the CLI can emit, lint, constrain and build.
pub struct Entry {
    /// The name commands take (`kaizen emit <name>`); also the file stem of
    /// its constraints.
    pub name: String,
    /// One line for `kaizen blocks`.
    pub summary: String,
    /// Kaizen's or the project's.
    pub origin: Origin,
    /// The directory with `<name>.sdc` and `<name>.floorplan.json`.
    pub constraints: PathBuf,
    emit: EmitFn,
}

impl Entry {
    /// Emits the block: Verilog, ports and parameters.
    ///
    /// ```
    /// let catalog = kaizen::Catalog::kaizen();
    /// let fifo = catalog.find("fifo").unwrap().emit().unwrap();
    /// assert!(fifo.verilog.contains("module kaizen_fifo"));
    /// ```
    pub fn emit(&self) -> Result<Emitted, String> {
        (self.emit)()
    }
}

/// The blocks one `kaizen` binary knows, and the project they belong to.
pub struct Catalog {
    root: PathBuf,
    entries: Vec<Entry>,
}

impl Catalog {
    /// Kaizen's own blocks; the project is Kaizen's checkout.
    ///
    /// ```
    /// let c = kaizen::Catalog::kaizen();
    /// assert!(c.entries().iter().any(|e| e.name == "memctl"));
    /// ```
    pub fn kaizen() -> Self {
        let root = kaizen_flow::kaizen_root();
        let constraints = root.join("constraints");
        let entries = kaizen_hdl::catalog::CATALOG
            .iter()
            .map(|e| Entry {
                name: e.name.to_string(),
                summary: e.summary.to_string(),
                origin: Origin::Kaizen,
                constraints: constraints.clone(),
                emit: Box::new(e.emit),
            })
            .collect();
        Catalog { root, entries }
    }

    /// A user's project rooted at `root` (its crate directory: pass
    /// `env!("CARGO_MANIFEST_DIR")`), which holds `constraints/` and where
    /// `build/` goes. Starts with Kaizen's blocks; add the project's with
    /// [`Catalog::block`].
    ///
    /// ```
    /// let c = kaizen::Catalog::project("/work/my_chip");
    /// assert_eq!(c.root(), std::path::Path::new("/work/my_chip"));
    /// assert!(c.default_blocks().is_empty());
    /// ```
    pub fn project(root: impl AsRef<Path>) -> Self {
        Catalog {
            root: root.as_ref().to_path_buf(),
            ..Catalog::kaizen()
        }
    }

    /// Adds a block: `make` builds it, and it is emitted with its top
    /// module named `name` (sub-modules `name__<path>`). Fails when the
    /// name is taken or cannot name a block (`check_block_name`).
    ///
    /// ```
    /// use kaizen::prelude::*;
    /// let c = kaizen::Catalog::project(".")
    ///     .block("sync1", "level synchroniser", || SyncBits::<Bit>::new(false))
    ///     .unwrap();
    /// assert!(c.block("sync1", "again", || SyncBits::<Bit>::new(false)).is_err());
    /// ```
    pub fn block<B: Block>(
        self,
        name: &str,
        summary: &str,
        make: impl Fn() -> B + Send + Sync + 'static,
    ) -> Result<Self, String> {
        self.block_with_parameters(name, summary, BTreeMap::new(), make)
    }

    /// [`Catalog::block`], recording build parameters in the manifest.
    ///
    /// ```
    /// use kaizen::prelude::*;
    /// let params = [("depth".to_string(), "16".to_string())].into();
    /// let c = kaizen::Catalog::project(".")
    ///     .block_with_parameters("f", "FIFO", params, || SyncFifo::<Bits<8>, 4, 5>::new(12))
    ///     .unwrap();
    /// assert_eq!(c.find("f").unwrap().emit().unwrap().parameters["depth"], "16");
    /// ```
    pub fn block_with_parameters<B: Block>(
        mut self,
        name: &str,
        summary: &str,
        parameters: BTreeMap<String, String>,
        make: impl Fn() -> B + Send + Sync + 'static,
    ) -> Result<Self, String> {
        check_block_name(name)?;
        if self.entries.iter().any(|e| e.name == name) {
            return Err(format!(
                "block name `{name}` is taken (see `kaizen blocks`)"
            ));
        }
        let owned = name.to_string();
        self.entries.push(Entry {
            name: name.to_string(),
            summary: summary.to_string(),
            origin: Origin::Project,
            constraints: self.root.join("constraints"),
            emit: Box::new(move || {
                let mut block = make();
                block.connect_all();
                emit_named(&owned, &owned, &block, parameters.clone())
            }),
        });
        Ok(self)
    }

    /// The project's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every block, Kaizen's first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The block called `name`, or an error listing the known ones.
    pub fn find(&self, name: &str) -> Result<&Entry, String> {
        self.entries.iter().find(|e| e.name == name).ok_or_else(|| {
            let known: Vec<_> = self.entries.iter().map(|e| e.name.as_str()).collect();
            format!("unknown block `{name}`; known blocks: {}", known.join(", "))
        })
    }

    /// What `--all` selects: the project's own blocks, or Kaizen's when the
    /// catalog is Kaizen's.
    pub fn default_blocks(&self) -> Vec<String> {
        let own: Vec<String> = self
            .entries
            .iter()
            .filter(|e| e.origin == Origin::Project)
            .map(|e| e.name.clone())
            .collect();
        if own.is_empty() && self.root == kaizen_flow::kaizen_root() {
            return self.entries.iter().map(|e| e.name.clone()).collect();
        }
        own
    }
}

/// Words a crate or a Verilog module may not be called.
const RESERVED: &[&str] = &[
    "kaizen", "test", "core", "std", "module", "input", "output", "wire", "reg", "self", "crate",
    "type", "mod", "fn", "struct", "impl", "use", "match", "loop", "for", "if", "else", "always",
    "begin", "end", "assign",
];

/// A block's name becomes its Verilog module (sub-modules `<name>__<path>`)
/// and, for `kaizen new`, its crate: lower-case letters, digits and single
/// `_`s, starting with a letter, not a reserved word.
pub(crate) fn check_block_name(name: &str) -> Result<(), String> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__");
    if !ok {
        return Err(format!("`{name}` cannot name a block: use lower-case letters, digits and single `_`s, starting with a letter (for example `dma_engine`)"));
    }
    if RESERVED.contains(&name) {
        return Err(format!(
            "`{name}` is a reserved word in Rust, Verilog or Kaizen; choose another name"
        ));
    }
    Ok(())
}

static ACTIVE: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();

/// Makes `catalog` the one the CLI uses; the first call wins.
pub(crate) fn install(catalog: Catalog) {
    if catalog.root != kaizen_flow::kaizen_root() {
        kaizen_flow::set_project_root(&catalog.root);
    }
    let _ = ACTIVE.set(catalog);
}

/// The catalog the CLI works on (Kaizen's unless [`crate::main`] was given
/// another).
pub(crate) fn active() -> &'static Catalog {
    ACTIVE.get_or_init(Catalog::kaizen)
}
