import CCurl
import Foundation

/// One libcurl easy handle, for one transfer on one thread.
///
/// Every option goes through a typed wrapper and every `CURLcode` is checked: an option
/// libcurl refuses is an error, never silently a weaker transfer. The handle owns the
/// header lists it is given, its error buffer and (strongly) the sink its callbacks
/// write into, and frees them all in `deinit`.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var sink: CurlTransferSink?

    /// `curl_global_init` exactly once per process, before the first handle (a static
    /// `let` is initialised once, thread-safely).
    private static let globalInit: UInt32 = curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue

    /// A fresh handle with its error buffer installed; fails only if libcurl cannot
    /// initialise or allocate.
    init() throws(CurlError) {
        guard Self.globalInit == CURLE_OK.rawValue else {
            throw CurlError(code: CURLcode(Self.globalInit), message: "libcurl did not initialise: "
                            + CurlError.meaning(of: CURLcode(Self.globalInit)))
        }
        guard let handle = curl_easy_init() else {
            throw CurlError(code: CURLE_FAILED_INIT, message: "libcurl could not create a transfer handle")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try check(ehc_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    // MARK: Options

    /// A `long` option (`CURLOPT_MAXREDIRS`, `CURLOPT_TIMEOUT_MS`…).
    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ehc_setopt_long(handle, option, value), option)
    }

    /// An on/off `long` option (`CURLOPT_FOLLOWLOCATION`, `CURLOPT_NOSIGNAL`…).
    func set(_ option: CURLoption, _ value: Bool) throws(CurlError) {
        try set(option, value ? 1 : 0)
    }

    /// A `curl_off_t` option (`CURLOPT_POSTFIELDSIZE_LARGE`, `CURLOPT_INFILESIZE_LARGE`).
    func set(_ option: CURLoption, offset value: Int64) throws(CurlError) {
        try check(ehc_setopt_off(handle, option, curl_off_t(value)), option)
    }

    /// A string option; libcurl copies it. A NUL inside would cut it short, so it is
    /// refused instead.
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        guard !value.utf8.contains(0) else {
            throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "\(Self.name(of: option)) contains a NUL byte")
        }
        try check(ehc_setopt_string(handle, option, value), option)
    }

    /// A list option (`CURLOPT_HTTPHEADER`, `CURLOPT_MAIL_RCPT`); libcurl keeps using
    /// the list during the transfer, so the handle owns it until `deinit`.
    func set(_ option: CURLoption, list values: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard !value.utf8.contains(0) else {
                if let list { curl_slist_free_all(list) }
                throw CurlError(code: CURLE_BAD_FUNCTION_ARGUMENT, message: "\(Self.name(of: option)) item contains a NUL byte")
            }
            guard let longer = curl_slist_append(list, value) else {
                if let list { curl_slist_free_all(list) }
                throw CurlError(code: CURLE_OUT_OF_MEMORY, message: "cannot build \(Self.name(of: option))")
            }
            list = longer
        }
        guard let list else { return }
        lists.append(list)
        try check(ehc_setopt_slist(handle, option, list), option)
    }

    /// The body of a `POST`, copied by libcurl (so binary data with NULs is fine).
    func setPostBody(_ body: Data) throws(CurlError) {
        try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        let code = body.withUnsafeBytes { bytes -> CURLcode in
            // An empty body still needs a valid pointer.
            guard let base = bytes.baseAddress else { return ehc_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "") }
            return ehc_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
        }
        try check(code, CURLOPT_COPYPOSTFIELDS)
    }

    // MARK: Callbacks

    /// Connects libcurl's callbacks to `sink`: body, headers (when `headers`), upload
    /// (when `upload`), progress (for cancellation) and the pre-request check.
    func attach(_ sink: CurlTransferSink, headers: Bool, upload: Bool) throws(CurlError) {
        self.sink = sink
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try check(ehc_setopt_write_callback(handle) { data, size, count, context in
            let (length, overflow) = size.multipliedReportingOverflow(by: count)
            guard !overflow, let sink = CurlEasy.sink(context) else { return 0 }
            guard length > 0, let data else { return length }
            return sink.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
        }, CURLOPT_WRITEFUNCTION)
        try check(ehc_setopt_pointer(handle, CURLOPT_WRITEDATA, context), CURLOPT_WRITEDATA)
        if headers {
            try check(ehc_setopt_header_callback(handle) { data, size, count, context in
                let (length, overflow) = size.multipliedReportingOverflow(by: count)
                guard !overflow, let sink = CurlEasy.sink(context) else { return 0 }
                guard length > 0, let data else { return length }
                return sink.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
            }, CURLOPT_HEADERFUNCTION)
            try check(ehc_setopt_pointer(handle, CURLOPT_HEADERDATA, context), CURLOPT_HEADERDATA)
        }
        if upload {
            try check(ehc_setopt_read_callback(handle) { data, size, count, context in
                let (length, overflow) = size.multipliedReportingOverflow(by: count)
                guard !overflow, let sink = CurlEasy.sink(context), let data else { return Int(CURL_READFUNC_ABORT) }
                return sink.fillUpload(UnsafeMutableRawBufferPointer(start: data, count: length)) ?? Int(CURL_READFUNC_ABORT)
            }, CURLOPT_READFUNCTION)
            try check(ehc_setopt_pointer(handle, CURLOPT_READDATA, context), CURLOPT_READDATA)
        }
        try check(ehc_setopt_xferinfo_callback(handle) { context, _, _, _, _ in
            guard let sink = CurlEasy.sink(context) else { return 1 }
            return sink.shouldContinue() ? 0 : 1
        }, CURLOPT_XFERINFOFUNCTION)
        try check(ehc_setopt_pointer(handle, CURLOPT_XFERINFODATA, context), CURLOPT_XFERINFODATA)
        try set(CURLOPT_NOPROGRESS, false)
        try check(ehc_setopt_prereq_callback(handle) { context, primaryIP, _, _, _ in
            guard let sink = CurlEasy.sink(context) else { return Int32(CURL_PREREQFUNC_ABORT) }
            let address = primaryIP.map { String(cString: $0) } ?? ""
            return sink.admitPeer(address) ? Int32(CURL_PREREQFUNC_OK) : Int32(CURL_PREREQFUNC_ABORT)
        }, CURLOPT_PREREQFUNCTION)
        try check(ehc_setopt_pointer(handle, CURLOPT_PREREQDATA, context), CURLOPT_PREREQDATA)
    }

    private static func sink(_ context: UnsafeMutableRawPointer?) -> CurlTransferSink? {
        context.map { Unmanaged<CurlTransferSink>.fromOpaque($0).takeUnretainedValue() }
    }

    // MARK: Transfer

    /// Runs the transfer to the end, blocking this thread: call it only off the Swift
    /// cooperative pool.
    func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(handle)
    }

    /// What libcurl wrote into its error buffer for the last failure, if anything.
    var errorDetail: String {
        String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A `long` fact about the finished transfer (`CURLINFO_RESPONSE_CODE`).
    func infoInt(_ info: CURLINFO) -> Int? {
        var value = 0
        return ehc_getinfo_long(handle, info, &value) == CURLE_OK ? value : nil
    }

    /// A string fact about the finished transfer (`CURLINFO_EFFECTIVE_URL`).
    func infoString(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard ehc_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    // MARK: Errors

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        guard code != CURLE_OK else { return }
        throw CurlError(code: code, message: "libcurl refused \(Self.name(of: option)): \(CurlError.meaning(of: code))")
    }

    /// The option's name as libcurl spells it, for error messages.
    static func name(of option: CURLoption) -> String {
        guard let entry = curl_easy_option_by_id(option), let name = entry.pointee.name else {
            return "option \(option.rawValue)"
        }
        return "CURLOPT_" + String(cString: name)
    }
}
