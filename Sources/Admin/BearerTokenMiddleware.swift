import Hummingbird

/// Answers 401 to a request without `Authorization: Bearer TOKEN`. The token is compared in time
/// independent of where it differs, and never logged.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], Self.matches(header, expected: "Bearer " + token) else {
            return Response(
                status: .unauthorized, headers: [.wwwAuthenticate: "Bearer", .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: .init(string: "a bearer token is required (admin.token)\n"))
            )
        }
        return try await next(request, context)
    }

    static func matches(_ given: String, expected: String) -> Bool {
        let (a, b) = (Array(given.utf8), Array(expected.utf8))
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count { difference |= (index < a.count ? a[index] : 0) ^ b[index] }
        return difference == 0
    }
}
