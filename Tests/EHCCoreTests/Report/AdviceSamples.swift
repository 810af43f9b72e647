@testable import EHCCore

/// Records for rendering and report tests, written as briefly as the rules allow:
/// say when it is due and what happened, get the state and today's view.
enum AdviceSamples {
    static let rules = AdviceRules()

    /// A request due on `due` (sent 6 weeks before), optionally answered on `answered`.
    static func record(_ id: String, provider: String? = "RBT", service: String? = "salt", due: String,
                       answered: String? = nil, status laStatus: LAStatus = .requested, exception: AdviceException? = nil,
                       laFields extraLA: FieldValues = [:], providerFields extraProvider: FieldValues = [:],
                       today: String) -> (AdviceState, DeadlineView) {
        let dueDay = CivilDate(iso: due)!
        var la: FieldValues = [.request_id: id, .case_ref: "EHC-" + id,
                                            .requested_on: dueDay.adding(days: -42).description]
        if let provider { la[.provider_ods] = provider }
        if let service { la[.service] = service }
        la.merge(extraLA) { _, new in new }
        var pv = extraProvider
        if let exception { pv[.exception] = exception.rawValue }
        if let answered { pv[.submitted_on] = answered }
        let state = AdviceState(requestID: id, la: la, provider: pv, laStatus: laStatus,
                                providerStatus: answered == nil ? (pv.isEmpty ? nil : .in_progress) : .submitted,
                                answeredOn: answered.flatMap { CivilDate(iso: $0) })
        let view = Deadlines.view(of: state, rules: rules, today: CivilDate(iso: today)!, dueSoonDays: 7)
        return (state, view)
    }
}
