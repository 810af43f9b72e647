/// How a feed's records arrive. Exactly one per feed: a feed that could be both a
/// folder and an endpoint would have two progress cursors and no single truth.
public enum FeedTransport: Sendable, Equatable {
    /// Files dropped into a directory (by MESH, SFTP or a person).
    case folder(FolderFeedConfig)
    /// An HTTP(S) endpoint polled with `GET`.
    case http(HTTPFeedConfig)
}
