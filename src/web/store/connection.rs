//! The store's connection to the database. An open connection holds back any upgrade to a
//! newer schema (measured: an upgrade still blocked 3 s after the `Store` that opened the
//! connection was dropped, since a connection is closed only when collected). So a connection
//! is closed as soon as its last handle goes, and closes itself when a newer version asks: a
//! page or worker of this version then yields to the next one, whose open would otherwise wait.

use std::ops::Deref;

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use wasm_bindgen::prelude::*;

pub(super) struct Connection {
    db: Database,
    /// Kept while the connection may call it.
    _on_version_change: Closure<dyn FnMut()>,
}

impl Connection {
    pub(super) fn new(db: Database) -> Connection {
        let closing = db.as_sys().clone();
        // Transactions already running finish; later ones fail (a newer version has the
        // database), and the code of this version stops with that error.
        let on_version_change = Closure::<dyn FnMut()>::new(move || closing.close());
        db.as_sys()
            .set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        Connection {
            db,
            _on_version_change: on_version_change,
        }
    }
}

impl Deref for Connection {
    type Target = Database;

    fn deref(&self) -> &Database {
        &self.db
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let db = self.db.as_sys();
        db.set_onversionchange(None);
        db.close();
    }
}
