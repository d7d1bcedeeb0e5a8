//! The glue between a provider's generated `Client` and the shared hand-written layer, written
//! once so that every provider module is the same few lines.

/// Implements `from_config`, `from_config_with_http`, `from_env`, the transport hooks and the
/// conversion of `.send()`'s error into [`crate::Error`] for the generated `Client` of the module
/// it is called in. `$settings` is the provider's [`crate::provider::ProviderSpec`]; the module's
/// `paging::page_size_bound` gives each operation's page-size bound. The client's inner value is
/// the transport.
/// The client that build.rs generated from `openapi/<name>.yaml`, as the private module
/// `generated`. Its lints are allowed: the code is progenitor's, written anew on every build.
macro_rules! generated_module {
    ($name:literal) => {
        #[doc = concat!("The client generated from `openapi/", $name, ".yaml`.")]
        #[allow(
            missing_docs,
            private_interfaces,
            unused_imports,
            clippy::all,
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags
        )]
        mod generated {
            include!(concat!(env!("OUT_DIR"), "/", $name, ".rs"));
        }
    };
}

macro_rules! provider_client {
    ($settings:ty) => {
        impl Client {
            /// A client built from `config`: its base URL, auth headers, timeout and retry policy,
            /// with an HTTP client of its own that does not follow redirects.
            ///
            /// Fails when a header cannot carry the key or the HTTP client cannot be built; the
            /// error never shows the key.
            pub fn from_config(
                config: $crate::config::Config<$settings>,
            ) -> ::std::result::Result<Self, $crate::Error> {
                Self::build(config, None)
            }

            /// A client built from `config` that sends its requests through `http`, so that one
            /// `reqwest::Client` (its connection pool, TLS and proxy settings) serves every
            /// provider. The auth headers, user agent and timeout are put on each request; the
            /// client's own default headers and timeout apply where these do not.
            ///
            /// The key never leaves the configured origin: reqwest drops `Authorization` when it
            /// follows a redirect to another origin, and a provider whose key is in another
            /// header refuses (with [`Error::InvalidConfig`]($crate::Error::InvalidConfig)) a
            /// client that follows redirects. Build `http` with
            /// `.redirect(reqwest::redirect::Policy::none())` to get a redirect as
            /// [`Error::Redirect`]($crate::Error::Redirect), as [`from_config`](Self::from_config)
            /// does.
            pub fn from_config_with_http(
                config: $crate::config::Config<$settings>,
                http: reqwest::Client,
            ) -> ::std::result::Result<Self, $crate::Error> {
                Self::build(config, Some(http))
            }

            fn build(
                config: $crate::config::Config<$settings>,
                http: Option<reqwest::Client>,
            ) -> ::std::result::Result<Self, $crate::Error> {
                let (base_url, http, transport, _settings) = config.into_parts(http)?;
                Ok(Self::new_with_client(&base_url, http, transport))
            }

            /// A client with the key from the provider's environment variable and the defaults.
            pub fn from_env() -> ::std::result::Result<Self, $crate::Error> {
                Self::from_config($crate::config::Config::<$settings>::from_env()?)
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                &self.baseurl
            }

            /// The retry policy in force.
            pub fn retry_policy(&self) -> &$crate::RetryPolicy {
                self.inner.retry_policy()
            }

            /// The unit this client reads the provider's amounts in
            /// ([`ProviderSpec::amount_unit`]($crate::ProviderSpec::amount_unit)).
            pub fn amount_unit(&self) -> $crate::money::AmountUnit {
                self.inner.amount_unit()
            }
        }

        /// `?` on `.send()`: the same [`Error`]($crate::Error) as `.fetch()` gives, but for the
        /// operation's name where the error carries no response (see
        /// [`Error::operation`]($crate::Error::operation)).
        impl ::std::convert::From<progenitor_client::Error<types::ErrorResponse>>
            for $crate::Error
        {
            fn from(error: progenitor_client::Error<types::ErrorResponse>) -> Self {
                $crate::Error::convert(&$crate::provider::Rules::of::<$settings>(), error)
            }
        }

        impl progenitor_client::ClientHooks<$crate::transport::Transport> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                $crate::transport::clean_request(request);
                let bound = paging::page_size_bound(info.operation_id, request.url());
                $crate::paging::apply_page_size(request, bound)
                    .map_err(progenitor_client::Error::InvalidRequest)
            }

            async fn post<E>(
                &self,
                result: &reqwest::Result<reqwest::Response>,
                _info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                $crate::transport::check_error_body::<types::ErrorResponse, E>(result)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner
                    .execute(&self.client, request, info.operation_id)
                    .await
            }
        }
    };
}

/// Implements `crate::paging::Operation` for generated builders of the module it is called in,
/// and an inherent `.fetch()` (no trait to import) that sends the request and returns the body or
/// the crate's [`crate::Error`].
macro_rules! operations {
    ($settings:ty; $($builder:ident($operation:literal) => $output:ty),* $(,)?) => {
        $(
            impl<'a> builder::$builder<'a> {
                /// Sends the request and returns the decoded body, or the crate's
                /// [`Error`](crate::Error) (`.send()` returns progenitor's error instead).
                pub async fn fetch(self) -> ::std::result::Result<$output, $crate::Error> {
                    <Self as $crate::paging::Operation>::fetch(self).await
                }
            }

            impl<'a> $crate::paging::Operation for builder::$builder<'a> {
                type Output = $output;
                const PROVIDER: $crate::Provider =
                    <$settings as $crate::provider::ProviderSpec>::PROVIDER;
                const OPERATION: &'static str = $operation;

                fn fetch(
                    self,
                ) -> impl ::std::future::Future<Output = ::std::result::Result<$output, $crate::Error>>
                       + Send {
                    async move {
                        match self.send().await {
                            Ok(response) => Ok(response.into_inner()),
                            Err(error) => Err($crate::Error::from_operation::<$settings, _>(
                                Self::OPERATION,
                                error,
                            )
                            .await),
                        }
                    }
                }
            }
        )*
    };
}

/// The next-page-token rule of pages that say `has_more` and `next_page` and take the token back
/// as the `page` query parameter (OpenAI's and Anthropic's usage reports). Unused in a build
/// whose providers all page otherwise.
#[allow(unused_macros)]
macro_rules! has_more_next_page {
    () => {
        $crate::paging::Rule::NextPageToken {
            has_more: |page| page.has_more,
            next_page: |page| page.next_page.clone(),
            set: |request, token| request.page(token),
        }
    };
}

/// Makes generated builders of the module it is called in paged operations, each on one line:
/// `Builder(Output) => Item, page_size_setter, rule, items;` where `rule` is a
/// [`crate::paging::Rule`] with the accessors it needs and `items` takes a page's items out.
/// Every builder gets the same inherent methods, no trait to import: `pages()`, `items()`,
/// `page_size(n)`, `max_pages(n)` and `resume_from(cursor)`. Unused in a build whose providers
/// page only by a rule this macro does not write (a page size the API fixes).
#[allow(unused_macros)]
macro_rules! paged_operations {
    ($(
        $builder:ident($output:ty) => $item:ty, $size:ident, $rule:expr, $items:expr;
    )*) => {
        $(
            impl<'a> $crate::paging::PagedOperation for builder::$builder<'a> {
                type Item = $item;

                fn rule() -> $crate::paging::Rule<Self, $output> {
                    $rule
                }

                fn items(page: $output) -> ::std::vec::Vec<$item> {
                    let items: fn($output) -> ::std::vec::Vec<$item> = $items;
                    items(page)
                }

                fn with_page_size(self, size: ::std::num::NonZeroU64) -> Self {
                    self.$size(size.get())
                }
            }

            impl<'a> builder::$builder<'a> {
                /// Every page, fetched lazily in order; see [`crate::paging`] for the walk's
                /// guarantees. Unless the request sets a page size, each page asks for the
                /// largest the API allows.
                pub fn pages(
                    self,
                ) -> impl ::futures::Stream<Item = ::std::result::Result<$output, $crate::Error>>
                       + Send
                       + Unpin
                       + 'a {
                    $crate::paging::Walk::new(self).pages()
                }

                /// Every item of every page, in order, fetched lazily page by page.
                pub fn items(
                    self,
                ) -> impl ::futures::Stream<Item = ::std::result::Result<$item, $crate::Error>>
                       + Send
                       + Unpin
                       + 'a {
                    $crate::paging::Walk::new(self).items()
                }

                /// Asks for `size` items per page: sets the operation's page-size parameter
                /// (a size above what the API allows is refused before any request).
                pub fn page_size(self, size: ::std::num::NonZeroU64) -> Self {
                    <Self as $crate::paging::PagedOperation>::with_page_size(self, size)
                }

                /// The walk with another ceiling on pages than
                /// [`DEFAULT_MAX_PAGES`](crate::paging::DEFAULT_MAX_PAGES): past it, the walk
                /// ends with
                /// [`PagingProblem::TooManyPages`](crate::paging::PagingProblem::TooManyPages).
                pub fn max_pages(
                    self,
                    pages: ::std::num::NonZeroU64,
                ) -> $crate::paging::Walk<Self> {
                    $crate::paging::Walk::new(self).max_pages(pages)
                }

                /// The walk starting at `cursor` (from
                /// [`Error::resume_from`](crate::Error::resume_from)) instead of the first page.
                pub fn resume_from(
                    self,
                    cursor: $crate::paging::PageCursor,
                ) -> $crate::paging::Walk<Self> {
                    $crate::paging::Walk::new(self).resume_from(cursor)
                }
            }
        )*
    };
}
