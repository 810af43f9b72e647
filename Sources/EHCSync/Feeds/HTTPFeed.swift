import EHCCore
import Foundation
import Logging
import ServiceLifecycle

/// An HTTP feed (SPEC §7): `GET url` through `CurlClient`, conditional and incremental,
/// following pages, each page applied in one transaction together with the feed's
/// state (cursor, validators, next page), so a crash or a failure on page 7 resumes at
/// page 7 and never skips or doubles a record.
///
/// One poll: the first page is `url` (plus `since_param` = the greatest `updated_at`
/// applied before the last completed walk, `HTTPFeedState.sinceCursor`, and
/// `If-None-Match` / `If-Modified-Since` from the last first page),
/// unless a walk is under way, which resumes at its stored next page. A 304 applies
/// nothing. Each 200 is decoded in the feed's format (JSON: an array, or an object with
/// `records` and `next`) and applied through the same `RecordIngestor` as a drop
/// folder's files; its next page is the body's `next`, else the `Link: rel="next"`
/// header. A body that cannot be read as a whole applies nothing and fails the poll.
public struct HTTPFeed {
    public let feed: FeedConfig
    public let http: HTTPFeedConfig
    public let mapping: RecordMapping
    public let rules: AdviceRules
    public let zone: TimeZone
    let db: AppDatabase
    let feedID: Int64
    /// Records immediate notices with the changes that cause them (nil: no recipients).
    public var immediateNotices: ImmediateNotices?
    /// A terminal's progress line for long walks (nil: none).
    public var progress: FeedProgress?

    /// A walk longer than this goes on at the next poll (from its stored next page), so
    /// one endless pagination cannot hold a poll for ever.
    static let maxPagesPerPoll = 1000

    public init(feed: FeedConfig, http: HTTPFeedConfig, mapping: RecordMapping, rules: AdviceRules,
                zone: TimeZone, db: AppDatabase) throws {
        self.feed = feed
        self.http = http
        self.mapping = mapping
        self.rules = rules
        self.zone = zone
        self.db = db
        feedID = try db.feedID(name: feed.name, role: feed.role)
    }

    /// Polls once: pages until the walk ends, a 304, or `maxPagesPerPoll`. `now` is the
    /// run's clock (may be `--now`); `wallClock` reads an HTTP-date `Retry-After`.
    public func poll(now: Timestamp, wallClock: Date, log: (Logger.Level, String) -> Void) async throws -> FeedPollResult {
        let started = Date()
        var result = FeedPollResult()
        var state = try db.httpFeedState(feedID: feedID, url: http.url)
        let credentials = try HTTPFeedCredentials(http.auth)
        let origin = CurlURL.redacted(http.url)
        for _ in 0..<Self.maxPagesPerPoll {
            let first = state.nextURL == nil
            let page = first ? 1 : state.walkPages + 1
            let request = self.request(state: state, credentials: credentials)
            let response: HTTPResponse
            do {
                response = try await CurlClient.perform(request)
            } catch {
                throw HTTPFeedError("page \(page): \(error)")
            }
            switch response.status {
            case 200:
                let applied = try apply(response, page: page, first: first, request: request, state: &state, now: now, log: log)
                result.pagesApplied += 1
                result.rowsRead += applied.rowsRead
                result.rowsFailed += applied.rowsFailed
                result.counts.add(applied.counts)
                progress?.page(feed: feed.name, page: page, rows: result.rowsRead)
                if state.nextURL == nil { return result }
                if Task.isCancelled || Task.isShuttingDownGracefully {
                    // Each page is committed with its place: the walk goes on at the next start.
                    log(.info, "\(feed.name): stopping after page \(page); the walk goes on at the next poll")
                    return result
                }
            case 304 where first && (state.etag != nil || state.lastModified != nil), 204 where first:
                // Nothing new: only the feed's health is written (by the caller).
                try db.endHTTPBackoff(feedID: feedID, state: state)
                result.pagesNotModified += 1
                return result
            default:
                if !first, response.status == 404 || response.status == 410 {
                    // The server forgot the walk (an expired cursor): start again from url
                    // next time. The cursor only covers applied pages, so nothing is skipped.
                    state.nextURL = nil
                    try db.save(state, feedID: feedID)
                }
                // An HTTP date counts from this answer, which may come long after the poll began.
                let retryAfter = RetryAfter.seconds(response.header("retry-after"),
                                                    now: wallClock.addingTimeInterval(Date().timeIntervalSince(started)))
                let said = HTTPFeedError.firstLine(of: response.body, redacting: credentials.secrets)
                throw HTTPFeedError("HTTP \(response.status) from \(origin) (page \(page))" + (said.isEmpty ? "" : ": \(said)")
                                    + (retryAfter.map { "; Retry-After \($0) s" } ?? ""),
                                    retryAfterSeconds: retryAfter, status: response.status)
            }
        }
        log(.info, "\(feed.name): \(Self.maxPagesPerPoll) pages this poll; the walk goes on at the next poll")
        return result
    }

    /// The request for the next page: the stored next page of a walk as it is, or the
    /// feed's url with `since_param` and the validators of the last first page.
    func request(state: HTTPFeedState, credentials: HTTPFeedCredentials) -> HTTPRequest {
        var url = state.nextURL ?? http.url
        var headers = [("Accept", Self.accept(feed.format))]
        if state.nextURL == nil {
            if let param = http.sinceParam, let since = state.sinceCursor { url = Self.adding(param, since.description, to: url) }
            if let etag = state.etag { headers.append(("If-None-Match", etag)) }
            if let lastModified = state.lastModified { headers.append(("If-Modified-Since", lastModified)) }
        }
        var request = HTTPRequest(url: url, headers: headers, timeoutSeconds: Double(http.timeoutSeconds),
                                  maxBytes: http.maxBytes, caFile: http.caFile, pinnedPublicKey: http.pinnedPublicKey,
                                  allowInsecureHTTP: http.allowInsecureHTTP)
        credentials.apply(to: &request)
        return request
    }

    /// What one applied page held.
    struct PageCounts {
        var rowsRead = 0, rowsFailed = 0
        var counts = ObservationApplier.Counts()
    }

    /// Applies one page and advances `state` in one transaction; nothing of the page is
    /// applied when its body cannot be read as a whole or its next link is refused.
    private func apply(_ response: HTTPResponse, page: Int, first: Bool, request: HTTPRequest,
                       state: inout HTTPFeedState, now: Timestamp, log: (Logger.Level, String) -> Void) throws -> PageCounts {
        let today = now.localDate(in: zone)
        let source = Self.sourceName(response.effectiveURL, page: page)
        var newErrors: [String] = []
        var next = state
        do {
            let batch = FeedBatch(feedID: feedID, role: feed.role, rules: rules, now: now, today: today, notices: immediateNotices,
                                  large: response.body.count >= FolderFeed.knownRowsThreshold)
            let (applied, tally) = try db.applyPage(batch) { applier in
                let ingestor = RecordIngestor(mapping: mapping, applier: applier, source: source,
                                              seed: RecordPreparer.seed(mapping, zone: zone)) { newErrors.append("page \(page) \($0)") }
                let readAll = { try FolderFeed.decode(.bytes(response.body), format: feed.format, csv: feed.mapping, ingestor.handle) }
                let bodyNext = try readAll()
                let link = bodyNext.flatMap { $0.isEmpty ? nil : $0 } ?? LinkHeader.next(response.headers(named: "link"))
                next.nextURL = try link.map { try nextPage($0, base: response.effectiveURL, current: request.url, page: page) }
                if first {
                    next.etag = response.header("etag")
                    next.lastModified = response.header("last-modified")
                    next.rowErrors = []
                    next.rowErrorCount = 0
                    next.walkCursor = nil
                }
                next.walkCursor = Self.later(next.walkCursor, applier.greatestUpdatedAt)
                if next.nextURL == nil {
                    // The walk is complete: only now may `since` skip what it covered, and
                    // only one walk behind, so the next walk reads what changed during this one.
                    next.sinceCursor = next.cursor
                    next.cursor = Self.later(next.cursor, next.walkCursor)
                    next.walkCursor = nil
                }
                next.walkPages = page
                next.rowErrorCount += newErrors.count
                next.rowErrors = Array((next.rowErrors + newErrors).prefix(AppDatabase.keptRowErrors))
                next.lastStatus = response.status
                next.retryAt = nil
                return (RowTally(rowsRead: ingestor.rowsRead, rowsFailed: ingestor.rowsFailed), next)
            }
            let counts = PageCounts(rowsRead: tally.rowsRead, rowsFailed: tally.rowsFailed, counts: applied)
            state = next
            for error in newErrors { log(.warning, "\(feed.name): skipped a record: \(error)") }
            log(.info, "\(feed.name): page \(page): \(counts.rowsRead) records: \(counts.counts.applied) applied, "
                + "\(counts.counts.unchanged) unchanged, \(counts.counts.stale) stale, \(counts.counts.unmatched) unmatched, "
                + "\(counts.rowsFailed) with errors" + (state.nextURL == nil ? "" : "; more pages follow"))
            return counts
        } catch let error as WholeFileError {
            throw HTTPFeedError("page \(page) from \(CurlURL.redacted(response.effectiveURL)) is not the expected \(feed.format.rawValue) "
                                + "(nothing of it was applied): \(error.message)", status: response.status)
        }
    }

    /// The later of two instants, either of which may be missing.
    static func later(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
        guard let a, let b else { return a ?? b }
        return max(a, b)
    }

    /// The absolute URL of the next page, refused when it would leave the feed's origin
    /// (the credentials would go with it) or repeat the page just read (a loop).
    private func nextPage(_ link: String, base: String, current: String, page: Int) throws -> String {
        guard let resolved = URL(string: link, relativeTo: URL(string: base))?.absoluteURL.absoluteString else {
            throw HTTPFeedError("page \(page): the next page link is not a URL")
        }
        let target = try? CurlURL(resolved)
        let home = try? CurlURL(http.url)
        guard let target, let home, target.origin == home.origin else {
            throw HTTPFeedError("page \(page): the next page link points to \(target?.origin ?? "an unreadable URL"), "
                                + "not \(home?.origin ?? "the feed's origin"): refused, the credentials would go with it")
        }
        guard target.normalized != (try? CurlURL(current))?.normalized else {
            throw HTTPFeedError("page \(page): the next page link is the page itself: refused (it would loop)")
        }
        return resolved
    }

    /// `origin/path page N`: where an observation came from, without the query (it may
    /// carry a token or a cursor that means nothing to a reader).
    static func sourceName(_ url: String, page: Int) -> String {
        let path = URLComponents(string: url)?.path ?? ""
        return CurlURL.redacted(url) + path + " page \(page)"
    }

    /// `url` with `name=value` added to its query.
    static func adding(_ name: String, _ value: String, to url: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        let encoded = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
        let (base, fragment) = url.firstIndex(of: "#").map { (String(url[..<$0]), String(url[$0...])) } ?? (url, "")
        return base + (base.contains("?") ? "&" : "?") + name + "=" + encoded + fragment
    }

    /// The `Accept` header for a format.
    static func accept(_ format: FeedFormat) -> String {
        switch format {
        case .json: "application/json"
        case .ndjson: "application/x-ndjson, application/json;q=0.5"
        case .csv: "text/csv"
        // Not reached: the config takes workbooks from drop folders only.
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }
}
