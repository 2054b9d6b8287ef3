//! Safety Check in real browsers: headless Chromium driven over WebDriver. Two people sign
//! up and become contacts on the pages, a responder activates a crisis over Paris's 11th
//! arrondissement, one answers "I'm safe", and the other sees it appear on their open page
//! without reloading.
//!
//! Runs only with ENTRAIDE_BROWSER_TESTS=1, since it needs chromium and chromedriver
//! (`/usr/bin/...`, or the CHROME and CHROMEDRIVER variables). Screenshots of the crisis
//! page on a phone-sized window are left in ENTRAIDE_SCREENSHOTS (default: a temporary
//! directory) for a person to look at.

mod common;

use anyhow::{Context, Result, bail};
use fantoccini::{Client as Browser, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "correct horse battery";
/// A common phone's viewport.
const WINDOW: (u32, u32) = (412, 915);
const PATIENCE: Duration = Duration::from_secs(10);

/// chromedriver, stopped however the test ends; the browsers' sessions are closed before.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    fn start() -> Result<Self> {
        let binary =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {binary}"))?;
        let driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + PATIENCE;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on port {port}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn open_browser(driver: &Chromedriver, profile: &Path) -> Result<Browser> {
    let binary = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let args = [
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--no-first-run".into(),
        "--disable-dev-shm-usage".into(),
        format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        format!("--user-data-dir={}", profile.display()),
    ];
    let phone =
        json!({"deviceMetrics": {"width": WINDOW.0, "height": WINDOW.1, "pixelRatio": 1.0}});
    let capabilities =
        json!({"goog:chromeOptions": {"binary": binary, "args": args, "mobileEmulation": phone}});
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    // On a loaded machine chromedriver has dropped the request that starts a browser (CI,
    // session 17: "webdriver server did not respond"); a new request then succeeds.
    let mut attempt = 1;
    loop {
        let opened = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await;
        match opened {
            Err(e) if attempt < 3 => {
                eprintln!("opening a browser session, attempt {attempt}: {e}; trying again");
                attempt += 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            opened => return opened.context("opening a browser session"),
        }
    }
}

async fn fill(browser: &Browser, css: &str, text: &str) -> Result<()> {
    let field = browser
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("no field {css}"))?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

async fn click(browser: &Browser, css: &str) -> Result<()> {
    browser
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("nothing to click at {css}"))?
        .click()
        .await?;
    Ok(())
}

async fn wait_for(browser: &Browser, css: &str) -> Result<fantoccini::elements::Element> {
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("{css} did not appear within {PATIENCE:?}"))
}

async fn sign_up(browser: &Browser, base: &str, handle: &str, name: &str) -> Result<()> {
    browser.goto(&format!("{base}/signup")).await?;
    fill(browser, "#handle", handle).await?;
    fill(browser, "#display_name", name).await?;
    fill(browser, "#password", PASSWORD).await?;
    click(browser, "#signup button[type=submit]").await?;
    wait_for(browser, "#location-form")
        .await
        .context("after signing up, the 'me' page")?;
    Ok(())
}

async fn report_location(browser: &Browser, base: &str, lat: &str, lon: &str) -> Result<()> {
    browser.goto(&format!("{base}/me")).await?;
    fill(browser, "#lat", lat).await?;
    fill(browser, "#lon", lon).await?;
    fill(browser, "#accuracy_m", "25").await?;
    click(browser, "#share-location").await?;
    wait_for(browser, "#current-location").await?;
    Ok(())
}

fn screenshot_dir() -> PathBuf {
    std::env::var_os("ENTRAIDE_SCREENSHOTS").map_or_else(
        || std::env::temp_dir().join("entraide-screenshots"),
        PathBuf::from,
    )
}

async fn screenshot(browser: &Browser, name: &str) -> Result<PathBuf> {
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, browser.screenshot().await?)?;
    Ok(path)
}

/// Browser tests run only when asked for: they need chromium and chromedriver.
fn enabled() -> bool {
    let enabled = std::env::var("ENTRAIDE_BROWSER_TESTS").as_deref() == Ok("1");
    if !enabled {
        println!(
            "skipped: set ENTRAIDE_BROWSER_TESTS=1 (needs chromium and chromedriver) to run the browser tests"
        );
    }
    enabled
}

/// Opens one headless browser per person, each with a profile of its own, runs the
/// scenario, and closes them all whatever happened, so none outlives the test. On failure
/// it saves what each person saw, for whoever reads the failure.
async fn with_browsers(people: &[&str], scenario: impl AsyncFnOnce(&[Browser]) -> Result<()>) {
    let driver = Chromedriver::start().unwrap();
    let profiles: Vec<_> = people
        .iter()
        .map(|_| tempfile::tempdir().unwrap())
        .collect();
    let mut browsers = Vec::new();
    let mut outcome = Ok(());
    for profile in &profiles {
        match open_browser(&driver, profile.path()).await {
            Ok(browser) => browsers.push(browser),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    if outcome.is_ok() {
        outcome = scenario(&browsers).await;
    }
    if outcome.is_err() {
        for (browser, person) in browsers.iter().zip(people) {
            if let Ok(path) = screenshot(browser, &format!("failed-{person}")).await {
                println!("screenshot: {}", path.display());
            }
        }
    }
    for browser in browsers {
        let _ = browser.close().await;
    }
    drop(driver);
    if let Err(e) = outcome {
        panic!("{e:?}");
    }
}

async fn scenario(base: &str, alice: &Browser, bob: &Browser, responder: &Browser) -> Result<()> {
    sign_up(alice, base, "alice", "Alice Martin").await?;
    sign_up(bob, base, "bob", "Bob Durand").await?;
    // Bob reads French: the switch on every page sets it.
    click(bob, "#lang-switch").await?;
    wait_for(bob, "html[lang=fr] #location-form").await?;

    alice.goto(&format!("{base}/contacts")).await?;
    fill(alice, "#handle", "bob").await?;
    click(alice, "#add-contact button[type=submit]").await?;
    wait_for(alice, "#outgoing li[data-handle=bob]").await?;
    bob.goto(&format!("{base}/contacts")).await?;
    click(bob, "#accept-alice").await?;
    wait_for(bob, "#mutual li[data-handle=alice]").await?;
    println!(
        "screenshot: {}",
        screenshot(bob, "contacts-bob").await?.display()
    );

    // Both near the Bataclan, in the 11th arrondissement.
    report_location(alice, base, "48.8631", "2.3708").await?;
    report_location(bob, base, "48.8629", "2.3711").await?;
    println!("screenshot: {}", screenshot(bob, "me-bob").await?.display());

    responder.goto(&format!("{base}/login")).await?;
    fill(responder, "#handle", "prefecture").await?;
    fill(responder, "#password", PASSWORD).await?;
    click(responder, "#login button[type=submit]").await?;
    wait_for(responder, "#logout").await?;
    responder.goto(&format!("{base}/crises/new")).await?;
    fill(responder, "#title", "Attaques à Paris").await?;
    fill(
        responder,
        "#description",
        "Restez à l'intérieur. Dites à vos proches si vous êtes en sécurité.",
    )
    .await?;
    fill(responder, "#kind", "attack").await?;
    fill(responder, "#lat", "48.8631").await?;
    fill(responder, "#lon", "2.3708").await?;
    fill(responder, "#radius_m", "1500").await?;
    println!(
        "screenshot: {}",
        screenshot(responder, "new-crisis").await?.display()
    );
    click(responder, "#create-crisis").await?;
    wait_for(responder, "#activate").await?.click().await?;
    wait_for(responder, "article#crisis[data-status=active]").await?;
    let crisis_url = responder.current_url().await?;
    let crisis_url = crisis_url
        .as_str()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();

    // Bob watches the crisis page, live.
    bob.goto(&crisis_url).await?;
    wait_for(bob, "body[data-live=on]")
        .await
        .context("Bob's page never connected to the event stream")?;
    bob.execute("window.stillTheSamePage = true;", vec![])
        .await?;
    let row = wait_for(bob, "li.contact-status[data-handle=alice]").await?;
    if row.attr("data-status").await?.as_deref() != Some("none") {
        bail!("Alice has not answered yet, but Bob's page says otherwise");
    }

    // Alice answers in two steps.
    alice.goto(&crisis_url).await?;
    click(alice, "#in-area").await?;
    wait_for(alice, "#im-safe").await?;
    fill(alice, "#message", "Chez moi, tout va bien").await?;
    println!(
        "screenshot: {}",
        screenshot(alice, "step-2-alice").await?.display()
    );
    click(alice, "#im-safe").await?;
    wait_for(alice, "#my-answer[data-status=safe]").await?;

    let row = wait_for(
        bob,
        "li.contact-status[data-handle=alice][data-status=safe]",
    )
    .await
    .context("Bob's open page did not show Alice as safe")?;
    let status = row.find(Locator::Css(".status")).await?.text().await?;
    let message = row.find(Locator::Css(".message")).await?.text().await?;
    if status != "En sécurité" || !message.contains("tout va bien") {
        bail!("Alice's row reads {status:?} / {message:?}");
    }
    if bob
        .execute("return window.stillTheSamePage === true;", vec![])
        .await?
        != json!(true)
    {
        bail!("Bob's page was reloaded: the update must arrive live");
    }
    let deadline = Instant::now() + PATIENCE;
    while bob
        .find(Locator::Css("[data-count=safe]"))
        .await?
        .text()
        .await?
        != "1"
    {
        if Instant::now() > deadline {
            bail!("the count of people safe was not refreshed");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    for (browser, name) in [(bob, "crisis-bob"), (alice, "crisis-alice")] {
        println!("screenshot: {}", screenshot(browser, name).await?.display());
    }
    bob.execute(
        "document.getElementById('contacts').scrollIntoView();",
        vec![],
    )
    .await?;
    println!(
        "screenshot: {}",
        screenshot(bob, "crisis-bob-contacts").await?.display()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_sees_a_safe_mark_appear_live() {
    if !enabled() {
        return;
    }
    let server = common::spawn().await;
    server
        .state
        .sign_up(
            "prefecture",
            PASSWORD,
            "Préfecture de police",
            entraide_core::Role::Responder,
        )
        .await
        .unwrap();
    with_browsers(&["alice", "bob", "responder"], async |browsers| {
        let [alice, bob, responder] = browsers else {
            unreachable!("one browser per person")
        };
        scenario(&server.url, alice, bob, responder).await
    })
    .await;
}

const HOST_ADDRESS: &str = "50 boulevard Voltaire, 75011 Paris";

/// Open Doors on the pages, without JavaScript doing anything: a host offers 2 places, a
/// guest finds the offer from République, asks, the host accepts, the guest sees the
/// address (and didn't before).
async fn shelter_scenario(
    server: &common::TestServer,
    host: &Browser,
    guest: &Browser,
) -> Result<()> {
    let base = &server.url;
    sign_up(host, base, "hote", "Hôte Voltaire").await?;
    sign_up(guest, base, "invite", "Invité").await?;
    // The host is vouched for by a responder (a new account can't offer otherwise).
    let find = |h: &str| {
        let handle = entraide_core::Handle::parse(h).unwrap();
        let store = server.state.store.clone();
        async move { store.account_by_handle(&handle).await.unwrap().unwrap().0 }
    };
    let (hote, prefecture) = (find("hote").await, find("prefecture").await);
    server
        .state
        .store
        .approve_host(hote.id, prefecture.id, chrono::Utc::now())
        .await?;

    host.goto(&format!("{base}/shelter/host")).await?;
    wait_for(host, "#host-advice").await?;
    fill(host, "#address", HOST_ADDRESS).await?;
    fill(host, "#lat", "48.8631").await?;
    fill(host, "#lon", "2.3708").await?;
    fill(host, "#capacity", "2").await?;
    fill(host, "#contact", "Sonnez au 3e gauche").await?;
    click(host, "#publish").await?;
    wait_for(host, "#my-offers article.offer").await?;
    println!(
        "screenshot: {}",
        screenshot(host, "shelter-host").await?.display()
    );

    guest
        .goto(&format!("{base}/shelter?lat=48.8674&lon=2.3636&party=2"))
        .await?;
    wait_for(guest, "#guest-advice").await?;
    wait_for(guest, "#results li.offer").await?;
    if guest.source().await?.contains("Voltaire") {
        bail!("the search page shows the host's address");
    }
    println!(
        "screenshot: {}",
        screenshot(guest, "shelter-search").await?.display()
    );
    fill(
        guest,
        "#results li.offer input[name=message]",
        "Deux personnes, près de République",
    )
    .await?;
    click(guest, "#results li.offer button[type=submit]").await?;
    wait_for(guest, "#status[data-status=pending]").await?;
    wait_for(guest, "#approximate").await?;
    if guest.source().await?.contains("Voltaire") {
        bail!("the pending request shows the host's address");
    }
    let request_url = guest.current_url().await?.to_string();

    host.goto(&format!("{base}/shelter/host")).await?;
    click(host, "li[data-status=pending] button[id^=accept-]").await?;
    wait_for(host, "li[data-status=accepted]").await?;

    guest.goto(&request_url).await?;
    wait_for(guest, "#status[data-status=accepted]").await?;
    let address = wait_for(guest, "#address .address").await?.text().await?;
    if address != HOST_ADDRESS {
        bail!("the accepted guest sees {address:?} as the address");
    }
    let contact = guest.find(Locator::Css("#contact")).await?.text().await?;
    if !contact.contains("3e gauche") {
        bail!("the accepted guest sees {contact:?} as the contact");
    }
    println!(
        "screenshot: {}",
        screenshot(guest, "shelter-accepted").await?.display()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_finds_a_door_asks_and_sees_the_address_once_accepted() {
    if !enabled() {
        return;
    }
    let server = common::spawn().await;
    server
        .state
        .sign_up(
            "prefecture",
            PASSWORD,
            "Préfecture",
            entraide_core::Role::Responder,
        )
        .await
        .unwrap();
    with_browsers(&["host", "guest"], async |browsers| {
        let [host, guest] = browsers else {
            unreachable!("one browser per person")
        };
        shelter_scenario(&server, host, guest).await
    })
    .await;
}

/// Missing persons (issue 4): a sister reports Hélène missing, a witness adds a note, and a
/// cousin finds the record with a misspelt name and reads the note, all on the pages.
async fn missing_scenario(
    base: &str,
    sister: &Browser,
    witness: &Browser,
    cousin: &Browser,
) -> Result<()> {
    sign_up(sister, base, "sister", "Claire Dupont").await?;
    sister.goto(&format!("{base}/missing/report")).await?;
    fill(sister, "#full_name", "Hélène Dupont").await?;
    fill(sister, "#age", "34").await?;
    fill(
        sister,
        "#last_seen_place",
        "Café Bonne Bière, rue du Faubourg du Temple",
    )
    .await?;
    fill(sister, "#reporter_phone", "+33 6 12 34 56 78").await?;
    click(sister, "#report-button").await?;
    wait_for(sister, "#full-name").await?;
    let record_url = sister.current_url().await?.to_string();

    sign_up(witness, base, "witness", "Karim").await?;
    witness
        .goto(&format!("{base}/missing?q=Helene+Dupont"))
        .await?;
    wait_for(witness, "#results a").await?.click().await?;
    wait_for(witness, "#note-form").await?;
    fill(
        witness,
        "#text",
        "Je l'ai vue partir vers République vers 21h40.",
    )
    .await?;
    witness
        .find(Locator::Css("#status option[value=believed_alive]"))
        .await?
        .click()
        .await?;
    click(witness, "#anonymous").await?;
    click(witness, "#add-note-button").await?;
    wait_for(witness, ".note .note-text").await?;

    // The cousin, not even signed in, types the name wrong and in the wrong order.
    cousin.goto(&format!("{base}/missing")).await?;
    fill(cousin, "#q", "Dupond Helen").await?;
    click(cousin, "#missing-search button[type=submit]").await?;
    let first = wait_for(cousin, "#results li a").await?;
    if first.text().await? != "Hélène Dupont" {
        bail!("the first result is {:?}", first.text().await?);
    }
    first.click().await?;
    let note = wait_for(cousin, ".note .note-text").await?.text().await?;
    if !note.contains("République") {
        bail!("the cousin reads {note:?}");
    }
    let status = wait_for(cousin, "#record-status").await?;
    if status.attr("data-status").await?.as_deref() != Some("believed_alive") {
        bail!("the record's status is not the note's");
    }
    let page = cousin.source().await?;
    if page.contains("Karim") || page.contains("+33 6 12") {
        bail!("the anonymous witness or the reporter's phone is shown to the public");
    }
    if cousin.current_url().await?.to_string() != record_url {
        bail!("the cousin did not reach the record the sister made");
    }
    println!(
        "screenshot: {}",
        screenshot(cousin, "missing-record").await?.display()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relative_finds_a_misspelt_name_and_reads_the_witness() {
    if !enabled() {
        return;
    }
    let server = common::spawn().await;
    with_browsers(&["sister", "witness", "cousin"], async |browsers| {
        let [sister, witness, cousin] = browsers else {
            unreachable!("one browser per person")
        };
        missing_scenario(&server.url, sister, witness, cousin).await
    })
    .await;
}
