var e,t,n,r,i,a,o,s,c,l,u,d=Symbol.for(`pv`),f={},p=[],m=/^m(i|n|o|s|text|space)$/,h=Array.isArray,g=p.slice,_=Object.assign;function v(e){e&&e.parentNode&&e.remove()}function y(n,r,i,a,o){var s={type:n,props:r,key:i,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:d,__v:o||++t,__i:-1,__u:0};return!o&&e.vnode&&e.vnode(s),s}function b(e){return e.children}function x(e,t){this.props=e,this.context=t,this.__g=0}function S(e,t){if(t==null)return e.__&&S(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!=`function`||e.props.__P?null:S(e)}function C(t){var n,r=t.__v,i=r.__e,a=[],o=[],s=t.__P;s&&((n=_({constructor:d},r)).__v=r.__v+1,e.vnode&&e.vnode(n),M(s,n,r,t.__n,s.namespaceURI,32&r.__u?[i]:null,a,i||S(r),32&r.__u,o),n.__v=r.__v,n.__.__k[n.__i]=n,ie(a,n,o),r.__=r.__e=null,n.__e!=i&&w(n))}function w(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),w(e)}function T(t){(8&t.__g||(t.__g|=8,n.push(t),i++))&&r==e.debounceRendering||((r=e.debounceRendering)||queueMicrotask)(E)}function E(){try{for(var e,t=1;n.length;)n.length>t&&n.sort(a),e=n.shift(),t=n.length,8&e.__g&&C(e)}finally{(i=n.length)&&(r||queueMicrotask)(E)}}function ee(e,t,n,r,i,a,o,s,c,l,u){var d,m,h,g,_,v,y=r.__k||p,b=t.length;for(c=D(n,t,y,c,b),d=0;d<b;d++)(h=n.__k[d])!=null&&(m=~h.__i&&y[h.__i]||f,h.__i=d,v=M(e,h,m,i,a,o,s,c,l,u),g=h.__e,(m.ref!=h.ref||8&m.__u)&&(m.ref&&N(m.ref,null,h,m),h.ref&&u.push(h.ref,h.__c||g,h)),_||=g,4&h.__u?(c=O(h,c,e,!m.__v),m.__e&&(m.__e=null)):typeof h.type==`function`&&v!==void 0?c=v:g&&(c=g.nextSibling),h.__u&=-21);return n.__e=_,c}function D(e,t,n,r,i){var a,o,s,c,l,u,f,p,m,g=n.length,_=g,v=0,x=0,C=e.__k=Array(i);for(a=0;a<i;a++)(o=t[a])!=null&&typeof o!=`boolean`&&typeof o!=`function`?(typeof o!=`object`||o.constructor===String?o=C[a]=y(null,o):h(o)?o=C[a]=y(b,{children:o}):o.constructor===d&&o.__b?o=C[a]=y(o.type,o.props,o.key,o.ref,o.__v):C[a]=o,c=a+v,o.__=e,o.__b=e.__b+1,s=null,~(l=o.__i=k(o,n,c,_))&&(_--,(s=n[l])&&(s.__u|=2)),s&&s.__v?(o.__u|=16,l==c-1?v--:l==c+1?v++:l!=c&&(l>c?v--:v++,x=1)):(~l||(i>g?v--:i<g&&v++),typeof o.type!=`function`&&(o.__u|=4))):C[a]=null;if(x){for(u=[],f=[],a=0;a<i;a++)if((o=C[a])&&16&o.__u){for(v=0,p=u.length;v<p;)u[m=v+p>>1]<o.__i?v=m+1:p=m;u[v]=o.__i,f[a]=v+1}for(v=u.length;a--;)f[a]&&(f[a]==v?v--:C[a].__u|=4)}if(_)for(a=0;a<g;a++)!(s=n[a])||2&s.__u||(s.__e==r&&(r=S(s)),oe(s,s));return r}function O(e,t,n,r){var i,a,o,s;if(typeof e.type==`function`){if(e.props.__P)return t;if(i=e.__k)for(a=0;a<i.length;a++)i[a]&&(i[a].__=e,t=O(i[a],t,n,!1));return t}for(t&&!t.parentNode&&(t=S(e))&&!t.parentNode&&(t=null),o=e.__e,s=t;s&&s.nodeType==8;)s=s.nextSibling;for(o!=s&&(!r&&n.moveBefore&&o.parentNode?n.moveBefore(o,t):n.insertBefore(o,t||null)),t=o;(t&&=t.nextSibling)&&t.nodeType==8&&!t.data.startsWith(`$s`););return t}function k(e,t,n,r){var i,a=e.key,o=e.type,s=t[n],c=s&&!(2&s.__u);if(s===null&&a==null||c&&a==s.key&&o==s.type)return n;if(r>+!!c){for(i=n-1;i>=0;i--)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i;for(i=n+1;i<t.length;i++)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i}return-1}function A(e,t,n){n??=``,t[0]==`-`?e.setProperty(t,n):e[t]=n}function j(e,t,n,r,i){var a,o;if(t==`style`){if(typeof n==`string`)e.style.cssText=n;else{if(typeof r==`string`&&(e.style.cssText=r=``),r)for(t in r)n&&t in n||A(e.style,t);if(n)for(t in n)r&&n[t]==r[t]||A(e.style,t,n[t])}}else if(t[0]==`o`&&t[1]==`n`)typeof n!=`function`&&(n=null),typeof r!=`function`&&(r=null),(e.__e||={})[t]=n,n&&r||(o=l[t]||(l[t]=te(t)),(e.__a||={})[t]=c,a=t!=(t=t.replace(s,`$1`)),(t=t.slice(2))[0]<`a`&&(t=t.toLowerCase()),n?e.addEventListener(t,o,a):e.removeEventListener(t,o,a));else{if(i==`http://www.w3.org/2000/svg`)t=t.replace(/xlink(H|:h)/,`h`).replace(/sName$/,`s`);else if(t!=`width`&&t!=`height`&&t!=`href`&&t!=`list`&&t!=`form`&&t!=`tabIndex`&&t!=`download`&&t!=`rowSpan`&&t!=`colSpan`&&t!=`role`&&t!=`popover`&&t in e)try{e[t]=n??``;return}catch{}if(typeof n==`function`)return;n==null||!1===n&&t[4]!=`-`?e.removeAttribute(t):e.setAttribute(t,t==`popover`&&n==1?``:n)}}function te(t){return function(n){var r=this.__e;if(r){if(r=r[t],n[o]==null)n[o]=c++;else if(n[o]<this.__a[t])return;return r(e.event?e.event(n):n)}}}function M(t,n,r,i,a,o,s,c,l,u){var f,m,g,y,C,w,T,E,D,O,k,A,j,te,M,ie,N,P,F=n.type;if(n.constructor!==d)return null;128&r.__u&&(l=32&r.__u,f=r.__c.__z)&&(n.__u|=l,m=o=[],f.nodeType==8?c=ne(f,o):o.push(f),c=o[0]||c),(f=e.__b)&&f(n);n:if(typeof F==`function`){g=s.length;try{if(E=n.props,D=(f=F.prototype)&&f.render,O=(f=F.contextType)&&i[f.__c],k=f?O?O.props.value:f.__:i,(y=r.__c)?(n.__c=y,2&y.__g&&(y.__g|=1)):(D?n.__c=y=new F(E,k):(n.__c=y=new x(E,k),y.constructor=F,y.render=se),O&&O.sub(y),y.state||(y.state={}),y.__n=i,y.__g|=8,y.__h=[],y.__k=[]),D&&(y.__s||(y.__s=y.state),F.getDerivedStateFromProps&&(y.__s==y.state&&(y.__s=_({},y.__s)),_(y.__s,F.getDerivedStateFromProps(E,y.__s)))),C=y.props,w=y.state,y.__v=n,r.__c){if(E!==C&&D&&!F.getDerivedStateFromProps&&y.componentWillReceiveProps&&y.componentWillReceiveProps(E,k),n.__v==r.__v&&!(8&y.__g)||!(4&y.__g)&&y.shouldComponentUpdate&&!1===y.shouldComponentUpdate(E,y.__s,k)){n.__v!=r.__v&&(y.props=E,y.state=y.__s,y.__g&=-9),n.__e=r.__e,n.__k=r.__k,n.__k.some(function(e){e&&(e.__=n)}),p.push.apply(y.__h,y.__k),y.__k=[],y.__h.length&&s.push(y),c=S(r);break n}y.componentWillUpdate&&y.componentWillUpdate(E,y.__s,k),D&&y.componentDidUpdate&&y.__h.push(function(){y.componentDidUpdate(C,w,T)})}else D&&!F.getDerivedStateFromProps&&y.componentWillMount&&y.componentWillMount(),D&&y.componentDidMount&&y.__h.push(y.componentDidMount);y.context=k,y.props=E,y.__P=t,y.__g&=-5,A=e.__r,j=D?25:0;do y.__g&=-9,A&&A(n),f=y.render(y.props,y.state=y.__s,y.context);while(8&y.__g&&++j<25);D&&(p.push.apply(y.__h,y.__k),y.__k=[]),y.state=y.__s,y.getChildContext&&(i=_({},i,y.getChildContext())),D&&r.__c&&y.getSnapshotBeforeUpdate&&(T=y.getSnapshotBeforeUpdate(C,w)),te=f&&f.type===b&&f.key==null?f.props.children:f,E.__P&&(f=c,a=(t=E.__P).namespaceURI,l=o=null,r.props&&r.props.__P!=t&&(r.__k.some(function(e){e&&oe(e,e)}),r.__k=null),c=r.__k?S(r,0):null),c=ee(t,h(te)?te:[te],n,r,i,a,o,s,c,l,u),E.__P&&(n.__e=null,c=f),n.__u&=-161,m&&m.some(v),y.__h.length&&s.push(y),1&y.__g&&(y.__g&=-4)}catch(t){if(s.length=g,n.__v=null,l||o){if(t&&t.then){if(n.__u|=128|l,o){for(~(N=o.indexOf(c||void 0))||(N=o.length);(P=o[N-1])&&P.nodeType==8;)N--;for(;N<o.length;N++)if(P=o[N]){if(o[N]=null,M){if(P==ie)break}else{if(P.nodeType!=8)break;P.data.startsWith(`$s`)&&(ie=ne(M=P))}}}if(!M){for(;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;M=c}(f=ne(M=n.__c.__z||(n.__c.__z=M)))?(n.__e=M,c=f):n.__e=c,c&&=c.nextSibling}else o&&o.some(v)}else n.__e=r.__e;n.__k||=r.__k||[],t&&t.then||re(n),e.__e(t,n,r)}}else c=n.__e=ae(r.__e,n,r,i,a,o,s,l,u,t);return(f=e.diffed)&&f(n),c}function ne(e,t){if(e&&e.nodeType==8&&e.data.startsWith(`$s`))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith(`$s`))n++;else if(e.data.startsWith(`/$s`)&&!--n)return e}t&&t.push(e)}}function re(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(re))}function ie(t,n,r){for(var i=0;i<r.length;)N(r[i++],r[i++],r[i++]);e.__c&&e.__c(n,t),t.some(function(n){try{t=n.__h,n.__h=[],t.some(function(e){e.call(n)})}catch(t){e.__e(t,n.__v)}})}function ae(t,n,r,i,a,o,s,c,l,u){var d,p,_,y,b,x,C,w,T=r.props||f,E=n.props,D=n.type;if(D==`svg`?a=`http://www.w3.org/2000/svg`:D==`math`?a=`http://www.w3.org/1998/Math/MathML`:a||=`http://www.w3.org/1999/xhtml`,o){for(d=0;d<o.length;d++)if((b=o[d])&&(D?b.localName==D:b.nodeType==3)){t=b,o[d]=null;break}}if(!t){if(w=u.ownerDocument||document,!D)return w.createTextNode(E);t=w.createElementNS(a,D,E.is?E:u),c&&=(e.__m&&e.__m(n,o),!1),o=null}if(D){if(u=D==`template`&&t.content||t,o=D==`textarea`&&E.defaultValue!=null?null:o&&g.call(u.childNodes),!c&&o)for(T={},d=0;d<t.attributes.length;d++)T[(b=t.attributes[d]).name]=b.value;for(d in T)b=T[d],d==`dangerouslySetInnerHTML`?_=b:d==`children`||d in E||d==`value`&&`defaultValue`in E||d==`checked`&&`defaultChecked`in E||j(t,d,null,b,a);for(d in E)b=E[d],d==`children`?y=b:d==`dangerouslySetInnerHTML`?p=b:d==`value`?x=b:d==`checked`?C=b:c&&typeof b!=`function`||T[d]===b||j(t,d,b,T[d],a);p?(c||_&&(p.__html==_.__html||p.__html==t.innerHTML)||(t.innerHTML=p.__html),n.__k=[]):(_&&(t.textContent=``),(D==`foreignObject`||a==`http://www.w3.org/1998/Math/MathML`&&m.test(D))&&(a=`http://www.w3.org/1999/xhtml`),ee(u,h(y)?y:[y],n,r,i,a,o,s,o?o[0]:r.__k&&S(r,0),c,l),o&&o.some(v)),c&&D!=`textarea`||(d=`value`,D==`progress`&&x==null?t.removeAttribute(d):x==null||x===t[d]&&(D!=`progress`||x)||j(t,d,x,T[d],a),d=`checked`,C!=null&&C!=t[d]&&j(t,d,C,T[d],a))}else T===E||c&&t.data==E||(t.data=E);return t}function N(t,n,r,i){try{typeof t==`function`?n?n.__x=t(n)||1:(i&&=i.__c||i.__e)&&(n=i.__x)&&(i.__x=null,typeof n==`function`?n():t(null)):t.current=n}catch(t){e.__e(t,r)}}function oe(t,n,r){var i,a,o,s;if(e.unmount&&e.unmount(t),!(i=t.ref)||i.current&&i.current!=t.__e||N(i,null,n,t),i=t.__c){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(t){e.__e(t,n)}i.__P=i.__n=null}if(i=t.__k)for(s=0;s<i.length;s++)i[s]&&oe(i[s],n,typeof t.type!=`function`||r&&!t.props.__P);!r&&(i=t.__c)&&(i=i.__z)&&(a=ne(i,o=[]))&&(i==t.__e&&o.some(v),v(a),v(i)),r||v(t.__e),t.__e=t.__c=t.__=null}function se(e,t,n){return this.constructor(e,n)}function P(t,n){var r,i,a,o;e.__&&e.__(t,n),n.nodeType==9&&(n=n.documentElement),i=(r=t&&32&t.__u)?null:n.__k,n.__k=y(b,{children:[t]}),a=[],o=[],M(n,n.__k,i||f,f,n.namespaceURI,i?null:n.firstChild?g.call(n.childNodes):null,a,i?i.__e:n.firstChild,r,o),ie(a,n.__k,o),n.__k.props.children=null}function F(e){function t(e){var n,r;return this.getChildContext||(n=new Set,(r={})[t.__c]=this,this.getChildContext=function(){return r},this.shouldComponentUpdate=function(e){this.props.value!=e.value&&n.forEach(function(e){e.__g|=4,T(e)})},this.sub=function(e){n.add(e);var t=e.componentWillUnmount;e.componentWillUnmount=function(){n.delete(e),t&&t.call(e)}}),e.children}return t.__c=`__cC`+u++,t.__=e,t.Provider=(t.Consumer=function(e,t){return e.children(t)}).contextType=t,t}e={__e:function(e,t,n,r){for(var a,o,s;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((s=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,r||{}),s=1),s&&8&a.__g)return void(a.__g|=2)}catch(t){e=t}}throw i=0,e}},t=0,x.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=_({},this.state)),typeof e==`function`&&(e=e(_({},n),this.props)),e&&(_(n,e),this.__v&&(t&&this.__k.push(t),T(this)))},x.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),T(this))},x.prototype.render=b,n=[],i=0,a=function(e,t){return e.__v.__b-t.__v.__b},o=Symbol(),s=/(PointerCapture)$|Capture$/i,c=0,l={},u=0;var I,L,ce,le,ue=Object.is,R=0,de=[],fe=[],z=e,pe=z.__b,me=z.__r,he=z.diffed,ge=z.__c,_e=z.unmount,ve=z.__;function ye(e,t){z.__h&&z.__h(L,e,R||t),R=0;var n=L.__H||(L.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function B(e){return R=1,be(je,e)}function be(e,t,n){var r=ye(I++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):je(void 0,t),function(e){var t=(r.__N||r.__)[0],n=r.t(t,e);ue(t,n)||(r.__N=[n,r.__[1]],r.__c.setState({}))}],r.__c=L,!L.__f)){L.__f=!0;var i=L.shouldComponentUpdate;L.shouldComponentUpdate=function(e,t,n){var r=this.__H;if(!r)return!0;var a=!1,o=this.props!=e;if(r.__.some(function(e){e.__N&&(a=!0,ue(e.__[0],e.__N[0])||(o=!0))}),i){var s=i.call(this,e,t,n);return a?s||o:s}return!a||o}}return r.__}function V(e,t){var n=ye(I++,3);!z.__s&&Ae(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,L.__H.__h.push(n))}function xe(e){return R=5,Se(function(){return{current:e}},[])}function Se(e,t){var n=ye(I++,7);return Ae(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function Ce(e,t){return R=8,Se(function(){return e},t)}function we(e){var t=L.context[e.__c],n=ye(I++,9);return n.c=e,t?(n.__??(n.__=!0,t.sub(L)),t.props.value):e.__}function Te(){var e;do{for(;e=fe.shift();)try{H(e)}catch(t){z.__e(t,{__:(e=e.__P)&&e.__v})}for(;e=de.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(H),t.__h.some(ke),t.__h=[]}catch(n){t.__h=[],z.__e(n,e.__v)}}}while(fe.length)}z.__b=function(e){L=null,pe&&pe(e)},z.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),ve&&ve(e,t)},z.__r=function(e){me&&me(e),I=0;var t=(L=e.__c).__H;t&&(ce==L?L.__h=[]:(t.__h.some(H),t.__h.some(ke),I=0),t.__h=[],t.__.some(function(e){e.__N&&(e.__=e.__N),e.u=e.__N=void 0})),ce=L},z.diffed=function(e){he&&he(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&Oe(de.push(t)),t.__H.__.some(function(e){e.u&&(e.__H=e.u)})),ce=L=null},z.__c=function(e,t){t.some(function(e){try{e.__h.some(H),e.__h=e.__h.filter(function(e){return!e.__||ke(e)})}catch(t){e.__h=[function(){throw t}]}}),ge&&ge(e,t)},z.unmount=function(e){_e&&_e(e);var t,n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(r){try{if(r.__P&&r.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n&&=n.__c}r.__P=n,Oe(fe.push(r))}else H(r)}catch(e){t=e}}),r.__H=void 0,t&&z.__e(t,r.__v))};var Ee=typeof requestAnimationFrame==`function`;function De(e){var t,n=function(){clearTimeout(r),Ee&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);Ee&&(t=requestAnimationFrame(n))}function Oe(e){e!=1&&le==z.requestAnimationFrame||((le=z.requestAnimationFrame)||De)(Te)}function H(e){var t=L,n=e.__c;typeof n==`function`&&(e.__c=void 0,n()),L=t}function ke(e){var t=L;e.__c=e.__(),L=t}function Ae(e,t){return!e||e.length!=t.length||t.some(function(t,n){return!ue(t,e[n])})}function je(e,t){return typeof t==`function`?t(e):t}function U(e){return e===null?`null`:Array.isArray(e)?`array`:typeof e}function W(e){return U(e)===`object`}function Me(e){return Array.isArray(e)&&e.length>0&&e.every(e=>`message`in e)}function Ne(e,t){return e.length<124?e:t}var G=(e=>(e[e.InternalServerError=4500]=`InternalServerError`,e[e.InternalClientError=4005]=`InternalClientError`,e[e.BadRequest=4400]=`BadRequest`,e[e.BadResponse=4004]=`BadResponse`,e[e.Unauthorized=4401]=`Unauthorized`,e[e.Forbidden=4403]=`Forbidden`,e[e.SubprotocolNotAcceptable=4406]=`SubprotocolNotAcceptable`,e[e.ConnectionInitialisationTimeout=4408]=`ConnectionInitialisationTimeout`,e[e.ConnectionAcknowledgementTimeout=4504]=`ConnectionAcknowledgementTimeout`,e[e.SubscriberAlreadyExists=4409]=`SubscriberAlreadyExists`,e[e.TooManyInitialisationRequests=4429]=`TooManyInitialisationRequests`,e))(G||{}),K=(e=>(e.ConnectionInit=`connection_init`,e.ConnectionAck=`connection_ack`,e.Ping=`ping`,e.Pong=`pong`,e.Subscribe=`subscribe`,e.Next=`next`,e.Error=`error`,e.Complete=`complete`,e))(K||{});function Pe(e){if(!W(e))throw Error(`Message is expected to be an object, but got ${U(e)}`);if(!e.type)throw Error(`Message is missing the 'type' property`);if(typeof e.type!=`string`)throw Error(`Message is expects the 'type' property to be a string, but got ${U(e.type)}`);switch(e.type){case`connection_init`:case`connection_ack`:case`ping`:case`pong`:if(e.payload!=null&&!W(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break;case`subscribe`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!W(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${U(e.payload)}`);if(typeof e.payload.query!=`string`)throw Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${U(e.payload.query)}`);if(e.payload.variables!=null&&!W(e.payload.variables))throw Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${U(e.payload.variables)}`);if(e.payload.operationName!=null&&U(e.payload.operationName)!==`string`)throw Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${U(e.payload.operationName)}`);if(e.payload.extensions!=null&&!W(e.payload.extensions))throw Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${U(e.payload.extensions)}`);break;case`next`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!W(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${U(e.payload)}`);break;case`error`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Me(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break;case`complete`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${U(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);break;default:throw Error(`Invalid message 'type' property "${e.type}"`)}return e}function Fe(e,t){return Pe(typeof e==`string`?JSON.parse(e,t):e)}function q(e,t){return Pe(e),JSON.stringify(e,t)}function Ie(e){let{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:i=console.error,lazyCloseTimeout:a=0,keepAlive:o=0,disablePong:s,connectionAckWaitTimeout:c=0,retryAttempts:l=5,retryWait:u=async function(e){let t=2**e;await new Promise(e=>setTimeout(e,t*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:d=Re,on:f,webSocketImpl:p,generateID:m=function(){return`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.replace(/[xy]/g,e=>{let t=Math.random()*16|0;return(e==`x`?t:t&3|8).toString(16)})},jsonMessageReplacer:h,jsonMessageReviver:g}=e,_;if(p){if(!Be(p))throw Error(`Invalid WebSocket implementation provided`);_=p}else typeof WebSocket<`u`?_=WebSocket:typeof global<`u`?_=global.WebSocket||global.MozWebSocket:typeof window<`u`&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");let v=_,y=(()=>{let e=(()=>{let e={};return{on(t,n){return e[t]=n,()=>{delete e[t]}},emit(t){`id`in t&&e[t.id]?.(t)}}})(),t={connecting:f?.connecting?[f.connecting]:[],opened:f?.opened?[f.opened]:[],connected:f?.connected?[f.connected]:[],ping:f?.ping?[f.ping]:[],pong:f?.pong?[f.pong]:[],message:f?.message?[e.emit,f.message]:[e.emit],closed:f?.closed?[f.closed]:[],error:f?.error?[f.error]:[]};return{onMessage:e.on,on(e,n){let r=t[e];return r.push(n),()=>{let e=r.indexOf(n);e>-1&&r.splice(e,1)}},emit(e,...n){for(let r of[...t[e]])r(...n)}}})();function b(e){let t=[y.on(`error`,n=>{t.forEach(e=>e()),e(n)}),y.on(`closed`,n=>{t.forEach(e=>e()),e(n)})];return()=>t.forEach(e=>e())}let x,S=0,C,w=!1,T=0,E=!1;async function ee(){clearTimeout(C);let[e,r]=await(x??=new Promise((e,r)=>(async()=>{if(w){if(await u(T),!S)return x=void 0,r({code:1e3,reason:`All Subscriptions Gone`});T++}y.emit(`connecting`,w);let i=new v(typeof t==`function`?await t():t,`graphql-transport-ws`),a,l;function d(){isFinite(o)&&o>0&&(clearTimeout(l),l=setTimeout(()=>{i.readyState===v.OPEN&&(i.send(q({type:K.Ping})),y.emit(`ping`,!1,void 0))},o))}b(e=>{x=void 0,clearTimeout(a),clearTimeout(l),r(e),e instanceof Le&&(i.close(4499,`Terminated`),i.onerror=null,i.onclose=null)}),i.onerror=e=>y.emit(`error`,e),i.onclose=e=>y.emit(`closed`,e),i.onopen=async()=>{try{y.emit(`opened`,i);let e=typeof n==`function`?await n():n;if(i.readyState!==v.OPEN)return;i.send(q(e?{type:K.ConnectionInit,payload:e}:{type:K.ConnectionInit},h)),isFinite(c)&&c>0&&(a=setTimeout(()=>{i.close(G.ConnectionAcknowledgementTimeout,`Connection acknowledgement timeout`)},c)),d()}catch(e){y.emit(`error`,e),i.close(G.InternalClientError,Ne(e instanceof Error?e.message:String(e),`Internal client error`))}};let f=!1;i.onmessage=({data:t})=>{try{let n=Fe(t,g);if(y.emit(`message`,n),n.type===`ping`||n.type===`pong`){y.emit(n.type,!0,n.payload),n.type===`pong`?d():s||(i.send(q(n.payload?{type:K.Pong,payload:n.payload}:{type:K.Pong},h)),y.emit(`pong`,!1,n.payload));return}if(f)return;if(n.type!==K.ConnectionAck)throw Error(`First message cannot be of type ${n.type}`);clearTimeout(a),f=!0,y.emit(`connected`,i,n.payload,w),w=!1,T=0;let r=new Promise((e,t)=>b(t));r.catch(()=>{}),e([i,r])}catch(e){i.onmessage=null,y.emit(`error`,e),i.close(G.BadResponse,Ne(e instanceof Error?e.message:String(e),`Bad response`))}}})()));e.readyState===v.CLOSING&&await r;let i=()=>{},l=new Promise(e=>i=e);return[e,i,new Promise((t,n)=>{let i=b(n);e.readyState!==v.OPEN&&r.catch(n),l.then(()=>{if(i(),!S){let t=()=>e.close(1e3,`Normal Closure`);isFinite(a)&&a>0?(clearTimeout(C),C=setTimeout(()=>{!S&&e.readyState===v.OPEN&&t()},a)):t()}t()})})]}function D(e){if(Re(e)&&(ze(e.code)||[G.InternalServerError,G.InternalClientError,G.BadRequest,G.BadResponse,G.Unauthorized,G.SubprotocolNotAcceptable,G.SubscriberAlreadyExists,G.TooManyInitialisationRequests].includes(e.code)))throw e;if(E)return!1;if(Re(e)&&e.code===1e3)return S>0;if(!l||T>=l||!d(e))throw e;return w=!0}r||(async()=>{for(S++;;)try{let[,,e]=await ee();await e}catch(e){try{if(!D(e))return}catch(e){return i?.(e)}}})();function O(e,t){let n=m(e),r=!1,i=!1,a=()=>{S--,r=!0};return(async()=>{for(S++;;)try{let[o,s,c]=await ee();if(r)return c.catch(()=>{}),s();let l=y.onMessage(n,e=>{switch(e.type){case K.Next:t.next(e.payload);return;case K.Error:i=!0,r=!0,t.error(e.payload),a();return;case K.Complete:r=!0,a();return}});o.send(q({id:n,type:K.Subscribe,payload:e},h)),a=()=>{!r&&o.readyState===v.OPEN&&o.send(q({id:n,type:K.Complete},h)),S--,r=!0,s()},await c.finally(l);return}catch(e){if(!D(e))return}})().then(()=>{i||t.complete()}).catch(e=>{t.error(e)}),()=>{r||a()}}return{on:y.on,subscribe:O,iterate(e){let t=[],n={done:!1,error:null,resolve:()=>{}},r=O(e,{next(e){t.push(e),n.resolve()},error(e){n.done=!0,n.error=e,n.resolve()},complete(){n.done=!0,n.resolve()}}),i=async function*(){for(;;){for(t.length||await new Promise(e=>n.resolve=e);t.length;)yield t.shift();if(n.error)throw n.error;if(n.done)return}}();return i.throw=async e=>(n.done||(n.done=!0,n.error=e,n.resolve()),{done:!0,value:void 0}),i.return=async()=>(r(),{done:!0,value:void 0}),i},async dispose(){if(E=!0,x){let[e]=await x;e.close(1e3,`Normal Closure`)}},terminate(){x&&y.emit(`closed`,new Le)}}}var Le=class extends Error{name=`TerminatedCloseEvent`;message=`4499: Terminated`;code=4499;reason=`Terminated`;wasClean=!1};function Re(e){return W(e)&&`code`in e&&`reason`in e}function ze(e){return![1e3,1001,1006,1005,1012,1013,1014].includes(e)&&e>=1e3&&e<=1999}function Be(e){return typeof e==`function`&&`constructor`in e&&`CLOSED`in e&&`CLOSING`in e&&`CONNECTING`in e&&`OPEN`in e}var Ve=`/graphql`,He=4403,J=class extends Error{kind;code;constructor(e,t,n){super(t),this.kind=e,this.code=n,this.name=`ApiError`}};function Ue(e){let t=e[0],n=t?.extensions?.code;return n===`UNAUTHENTICATED`?new J(`unauthorized`,t?.message??``,n):new J(`graphql`,e.map(e=>e.message).join(`
`),n)}function We(e,t,n){if(e instanceof File)return n.set(t,e),null;if(Array.isArray(e))return e.map((e,r)=>We(e,`${t}.${r}`,n));if(typeof e==`object`&&e){let r=Object.entries(e).map(([e,r])=>[e,We(r,`${t}.${e}`,n)]);return Object.fromEntries(r)}return e}var Ge=class{token;onUnauthorized;socket=null;constructor(e,t){this.token=e,this.onUnauthorized=t}async request(e,...[t]){let n=JSON.stringify({query:e.toString(),variables:t??{}});return this.send(n,{"Content-Type":`application/json`})}async upload(e,t){let n=new Map,r={query:e.toString(),variables:We(t,`variables`,n)},i=new FormData;i.append(`operations`,JSON.stringify(r));let a=[...n.keys()];return i.append(`map`,JSON.stringify(Object.fromEntries(a.map((e,t)=>[t,[e]])))),a.forEach((e,t)=>i.append(String(t),n.get(e))),this.send(i,{"Apollo-Require-Preflight":`true`})}subscribe(e,t,n){return this.webSocket().subscribe({query:e.toString(),variables:t},{next:e=>{e.errors?.length?n.error?.(Ue([...e.errors])):e.data&&n.next(e.data)},error:e=>n.error?.(this.socketError(e)),complete:()=>n.complete?.()})}dispose(){this.socket?.dispose(),this.socket=null}async send(e,t){let n;try{n=await fetch(Ve,{method:`POST`,headers:{...t,Accept:`application/json`,Authorization:`Bearer ${this.token}`},body:e})}catch(e){throw new J(`network`,String(e))}if(n.status===401)throw this.unauthorized();let r=await n.json().catch(()=>({}));if(r.errors?.length){let e=Ue(r.errors);throw e.kind===`unauthorized`?this.unauthorized():e}if(!n.ok||r.data==null)throw new J(`server`,`${n.status} ${n.statusText}`.trim());return r.data}unauthorized(){return this.onUnauthorized(),new J(`unauthorized`,`The token was refused.`,`UNAUTHENTICATED`)}socketError(e){return e instanceof CloseEvent&&e.code===He?this.unauthorized():e instanceof CloseEvent?new J(`network`,`WebSocket closed (${e.code})`):Array.isArray(e)?Ue(e):new J(`network`,String(e))}webSocket(){if(this.socket===null){let e=new URL(Ve,window.location.href);e.protocol=e.protocol===`https:`?`wss:`:`ws:`,this.socket=Ie({url:e.href,connectionParams:{Authorization:`Bearer ${this.token}`},shouldRetry:e=>!(e instanceof CloseEvent&&e.code===He)})}return this.socket}},Ke=F(null);function qe(){let e=we(Ke);if(e===null)throw Error(`useClient outside the signed-in shell`);return e}function Je(e){return e instanceof J?e:new J(`server`,String(e))}function Ye(e,...[t]){let n=qe(),[r,i]=B({status:`loading`}),[a,o]=B(0);V(()=>{let r=!0;i(e=>({status:`loading`,...e.data?{data:e.data}:{}}));let a=t===void 0?[]:[t];return n.request(e,...a).then(e=>r&&i({status:`done`,data:e}),e=>r&&i({status:`error`,error:Je(e)})),()=>{r=!1}},[n,e,JSON.stringify(t??{}),a]);let s=Ce(()=>o(e=>e+1),[]);return{...r,reload:s}}var Xe=`listkeeper.token`;function Ze(){return sessionStorage.getItem(Xe)}function Qe(e){sessionStorage.setItem(Xe,e)}function $e(){sessionStorage.removeItem(Xe)}var et=[`en`,`fr`];function Y(e){return e}var tt=`listkeeper.locale`;function nt(e){return et.includes(e)}function rt(){let e=localStorage.getItem(tt);if(nt(e))return e;for(let e of navigator.languages??[navigator.language]){let t=e.toLowerCase().split(`-`)[0];if(nt(t))return t}return`en`}function it(e){localStorage.setItem(tt,e)}var at=F(`en`);function ot(){return we(at)}function X(e){return e[ot()]}var Z=class extends String{__apiType;value;__meta__;constructor(e,t){super(e),this.value=e,this.__meta__=t}toString(){return this.value}};new Z(`
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
    `,{fragmentName:`BackupFields`}),new Z(`
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`,{fragmentName:`BackupDayFields`}),new Z(`
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
    `,{fragmentName:`PageInfoFields`}),new Z(`
    fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}
    `,{fragmentName:`GroupListItem`}),new Z(`
    fragment UserErrorFields on UserError {
  field
  message
  code
}
    `,{fragmentName:`UserErrorFields`}),new Z(`
    fragment RecipientWriteResult on RecipientWritePayload {
  recipient {
    id
    email
    firstName
    lastName
    status
    updatedAt
    attributes {
      name
      value
    }
  }
  backup {
    ...BackupFields
  }
  userErrors {
    ...UserErrorFields
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`,{fragmentName:`RecipientWriteResult`}),new Z(`
    fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`,{fragmentName:`ImportJobFields`}),new Z(`
    fragment JobHistoryFields on ImportJob {
  ...ImportJobFields
  fileName
  sizeBytes
  startedBy
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`,{fragmentName:`JobHistoryFields`}),new Z(`
    fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}
    `,{fragmentName:`ApiTokenFields`});var st=new Z(`
    query AppShell {
  viewer {
    id
    name
    timeZone
  }
}
    `);new Z(`
    query BackupsPage($first: Int = 20, $after: String, $last: Int, $before: String, $timeZone: String) {
  backupOverview(
    first: $first
    after: $after
    last: $last
    before: $before
    timeZone: $timeZone
  ) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        id
        groupId
        groupName
        backupCount
        latestBackupAt
        timeZone
        group {
          id
          name
          recipientCount
        }
        dayConnection(first: 7) {
          totalCount
          pageInfo {
            ...PageInfoFields
          }
          edges {
            node {
              ...BackupDayFields
            }
          }
        }
      }
    }
  }
}
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
  }
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),new Z(`
    query GroupBackupDays($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) {
    ... on GroupBackups {
      id
      dayConnection(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            ...BackupDayFields
          }
        }
      }
    }
  }
}
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
  }
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),new Z(`
    query BackupDownload($backupId: ID!) {
  node(id: $backupId) {
    ... on Backup {
      id
      downloadUrl
      downloadUrlExpiresAt
    }
  }
}
    `),new Z(`
    query GroupList($first: Int = 50, $after: String) {
  groups(first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...GroupListItem
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`),new Z(`
    query GroupRecipients($groupId: ID!, $first: Int = 50, $after: String, $search: String, $status: RecipientStatus) {
  node(id: $groupId) {
    ... on Group {
      ...GroupListItem
      recipients(first: $first, after: $after, search: $search, status: $status) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            id
            email
            firstName
            lastName
            status
            createdAt
            updatedAt
            attributes {
              name
              value
            }
          }
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`),new Z(`
    query GroupExport($groupId: ID!) {
  node(id: $groupId) {
    ... on Group {
      id
      exportUrl
      exportUrlExpiresAt
    }
  }
}
    `),new Z(`
    mutation CreateGroup($name: String!) {
  createGroup(input: {name: $name}) {
    group {
      ...GroupListItem
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`),new Z(`
    mutation RenameGroup($groupId: ID!, $name: String!) {
  renameGroup(input: {groupId: $groupId, name: $name}) {
    group {
      id
      name
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),new Z(`
    mutation UpsertRecipients($groupId: ID!, $mode: ImportMode = REFRESH_AND_ADD, $recipients: [RecipientInput!]!) {
  upsertRecipients(
    input: {groupId: $groupId, mode: $mode, recipients: $recipients}
  ) {
    group {
      id
      recipientCount
    }
    backup {
      ...BackupFields
    }
    added
    updated
    unchanged
    skipped
    statusKept
    rejected
    rowErrors {
      row
      column
      code
      message
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),new Z(`
    mutation UpdateRecipient($input: UpdateRecipientInput!) {
  updateRecipient(input: $input) {
    ...RecipientWriteResult
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment RecipientWriteResult on RecipientWritePayload {
  recipient {
    id
    email
    firstName
    lastName
    status
    updatedAt
    attributes {
      name
      value
    }
  }
  backup {
    ...BackupFields
  }
  userErrors {
    ...UserErrorFields
  }
}`),new Z(`
    mutation SetRecipientStatus($recipientId: ID!, $status: RecipientStatus!, $resubscribe: Boolean = false) {
  setRecipientStatus(
    input: {recipientId: $recipientId, status: $status, resubscribe: $resubscribe}
  ) {
    ...RecipientWriteResult
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment RecipientWriteResult on RecipientWritePayload {
  recipient {
    id
    email
    firstName
    lastName
    status
    updatedAt
    attributes {
      name
      value
    }
  }
  backup {
    ...BackupFields
  }
  userErrors {
    ...UserErrorFields
  }
}`),new Z(`
    mutation DeleteRecipients($groupId: ID!, $recipientIds: [ID!], $emails: [String!]) {
  deleteRecipients(
    input: {groupId: $groupId, recipientIds: $recipientIds, emails: $emails}
  ) {
    deleted
    group {
      id
      recipientCount
    }
    backup {
      ...BackupFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),new Z(`
    mutation ImportRecipients($file: Upload!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!]) {
  importRecipients(
    input: {file: $file, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),new Z(`
    query ImportJobStatus($id: ID!, $rowErrors: Int = 100) {
  importJob(id: $id) {
    ...ImportJobFields
    rejectedRowsUrl
    rejectedRowsUrlExpiresAt
    rowErrors(first: $rowErrors) {
      row
      column
      message
      code
    }
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),new Z(`
    query ImportJobRowErrors($id: ID!, $first: Int = 100, $after: String) {
  importJob(id: $id) {
    id
    rejected
    rowErrorConnection(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          row
          column
          message
          code
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}`),new Z(`
    subscription ImportJobProgress($id: ID!) {
  importJob(id: $id) {
    ...ImportJobFields
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),new Z(`
    mutation CancelJob($jobId: ID!) {
  cancelJob(input: {jobId: $jobId}) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),new Z(`
    mutation StageFile($file: Upload!) {
  stageFile(input: {file: $file}) {
    stagedFile {
      id
      fileName
      sizeBytes
      encoding
      delimiter
      rowEstimate
      expiresAt
      columns {
        index
        header
        suggestedField
        samples
      }
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),new Z(`
    mutation ImportStagedFile($stagedFileId: ID!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!]) {
  importRecipients(
    input: {stagedFileId: $stagedFileId, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),new Z(`
    mutation PreviewImport($stagedFileId: ID!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!], $first: Int = 20, $after: String, $kind: RecipientChangeKind, $errorsAfter: String) {
  previewImport(
    input: {stagedFileId: $stagedFileId, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    preview {
      added
      updated
      unchanged
      skipped
      rejected
      statusKept
      removed
      changes(first: $first, after: $after, kind: $kind) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            email
            kind
            statusKept
            before {
              email
              firstName
              lastName
              status
              attributes
            }
            after {
              email
              firstName
              lastName
              status
              attributes
            }
          }
        }
      }
      rowErrors(first: $first, after: $errorsAfter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            row
            column
            code
            message
          }
        }
      }
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),new Z(`
    query JobHistory($first: Int = 20, $after: String, $groupId: ID, $kind: JobKind, $status: JobStatus) {
  jobs(
    first: $first
    after: $after
    groupId: $groupId
    kind: $kind
    status: $status
  ) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...JobHistoryFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}
fragment JobHistoryFields on ImportJob {
  ...ImportJobFields
  fileName
  sizeBytes
  startedBy
}`),new Z(`
    query GroupJobHistory($groupId: ID!, $first: Int = 20, $after: String, $kind: JobKind, $status: JobStatus) {
  node(id: $groupId) {
    ... on Group {
      id
      name
      jobs(first: $first, after: $after, kind: $kind, status: $status) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            ...JobHistoryFields
          }
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}
fragment JobHistoryFields on ImportJob {
  ...ImportJobFields
  fileName
  sizeBytes
  startedBy
}`),new Z(`
    query BackupMadeBy($backupId: ID!) {
  node(id: $backupId) {
    ... on Backup {
      id
      reason
      job {
        id
        kind
        fileName
        startedBy
        createdAt
      }
    }
  }
}
    `),new Z(`
    query GroupBackups($groupId: ID!, $first: Int = 20, $after: String) {
  backups(groupId: $groupId, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...BackupFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),new Z(`
    mutation RestoreBackup($input: RestoreBackupInput!) {
  restoreBackup(input: $input) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),new Z(`
    mutation DeleteGroup($groupId: ID!) {
  deleteGroup(input: {groupId: $groupId}) {
    deletedGroupId
    backup {
      ...BackupFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),new Z(`
    query BackupComparison($backupId: ID!, $first: Int = 50, $after: String) {
  node(id: $backupId) {
    ... on Backup {
      id
      groupName
      createdAt
      comparison {
        unchanged
        changed
        added
        removed
        differences(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              email
              kind
            }
          }
        }
      }
    }
  }
}
    `),new Z(`
    query GroupAsOf($groupId: ID!, $asOf: DateTime!, $first: Int = 50, $after: String) {
  node(id: $groupId) {
    ... on Group {
      id
      name
      downloadUrl(asOf: $asOf)
      comparison(asOf: $asOf) {
        unchanged
        changed
        added
        removed
        differences(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              email
              kind
            }
          }
        }
      }
    }
  }
}
    `),new Z(`
    query Settings($first: Int = 50, $after: String) {
  viewer {
    id
    name
    backupsEnabled
    backupRetentionDays
    timeZone
    apiBackupWindowMinutes
  }
  groups(first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      node {
        id
        name
        backupsEnabled
        backupsActive
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}`),new Z(`
    mutation UpdateAccountSettings($retentionDays: Int, $timeZone: String, $apiBackupWindowMinutes: Int) {
  updateAccountSettings(
    input: {retentionDays: $retentionDays, timeZone: $timeZone, apiBackupWindowMinutes: $apiBackupWindowMinutes}
  ) {
    account {
      id
      backupRetentionDays
      timeZone
      apiBackupWindowMinutes
    }
    backupsToRemove
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),new Z(`
    mutation SetAccountBackupsEnabled($enabled: Boolean!) {
  setBackupEnabled(input: {enabled: $enabled}) {
    account {
      id
      backupsEnabled
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),new Z(`
    mutation SetGroupBackupsEnabled($groupId: ID!, $enabled: Boolean!) {
  setBackupEnabled(input: {enabled: $enabled, groupId: $groupId}) {
    group {
      id
      backupsEnabled
      backupsActive
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),new Z(`
    mutation EraseRecipient($email: String!) {
  eraseRecipient(input: {email: $email}) {
    erasedRecipients
    erasedVersions
    backupsChanged
    userErrors {
      field
      message
      code
    }
  }
}
    `),new Z(`
    query ApiTokens {
  viewer {
    id
    tokens {
      ...ApiTokenFields
    }
  }
}
    fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}`),new Z(`
    mutation CreateApiToken($name: String!, $expiresAt: DateTime) {
  createToken(input: {name: $name, expiresAt: $expiresAt}) {
    token {
      ...ApiTokenFields
    }
    secret
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}`),new Z(`
    mutation RevokeApiToken($tokenId: ID!) {
  revokeToken(input: {tokenId: $tokenId}) {
    revokedTokenId
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`);var ct=Symbol.for(`pv`),lt=0;Array.isArray;function Q(t,n,r,i,a,o){n||={};var s,c,l=n;if(`ref`in l&&typeof t!=`function`)for(c in l={},n)c==`ref`?s=n[c]:l[c]=n[c];var u={type:t,props:l,key:r,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:ct,__v:--lt,__i:-1,__u:0};return(a||o)&&(u.__source=a,u.__self=o),e.vnode&&e.vnode(u),u}function $({children:e}){return Q(`h1`,{id:`screen-title`,tabIndex:-1,children:e})}var ut=Y({en:{appName:`listkeeper`,skipToContent:`Skip to content`,navigation:`Main`,language:`Language`,signOut:`Sign out`,account:e=>`Account: ${e}`,notFoundTitle:`Page not found`,notFoundText:`There is no page at this address.`,notFoundLink:`Go to the backups`,tokenTitle:`Sign in with an API token`,tokenIntro:`Paste an API token of your account (listkeeper create-token gives one). It is kept in this tab only, until you close it.`,tokenLabel:`API token`,tokenSubmit:`Sign in`,tokenChecking:`Checking the token…`,tokenEmpty:`Paste a token first.`,tokenRefused:`This token was refused: it may be mistyped, expired or revoked.`,tokenExpired:`Your token has expired or was revoked. Paste a valid token to continue.`,signedOut:`You are signed out.`},fr:{appName:`listkeeper`,skipToContent:`Aller au contenu`,navigation:`Principale`,language:`Langue`,signOut:`Se déconnecter`,account:e=>`Compte : ${e}`,notFoundTitle:`Page introuvable`,notFoundText:`Il n’y a pas de page à cette adresse.`,notFoundLink:`Aller aux sauvegardes`,tokenTitle:`Se connecter avec un jeton d’API`,tokenIntro:`Collez un jeton d’API de votre compte (listkeeper create-token en donne un). Il n’est gardé que dans cet onglet, jusqu’à sa fermeture.`,tokenLabel:`Jeton d’API`,tokenSubmit:`Se connecter`,tokenChecking:`Vérification du jeton…`,tokenEmpty:`Collez d’abord un jeton.`,tokenRefused:`Ce jeton a été refusé : il est peut-être mal copié, expiré ou révoqué.`,tokenExpired:`Votre jeton a expiré ou a été révoqué. Collez un jeton valide pour continuer.`,signedOut:`Vous êtes déconnecté.`}}),dt={en:`English`,fr:`Français`};function ft({onChange:e}){let t=X(ut),n=ot();return Q(`label`,{class:`language-switch`,children:[Q(`span`,{children:t.language}),Q(`select`,{value:n,onChange:t=>e(t.currentTarget.value),children:et.map(e=>Q(`option`,{value:e,lang:e,children:dt[e]},e))})]})}function pt(){return window.location.hash.replace(/^#\/?/,``).split(`/`).filter(e=>e!==``).map(decodeURIComponent)}function mt(...e){return`#/`+e.map(encodeURIComponent).join(`/`)}function ht(){let[e,t]=B(pt);return V(()=>{let e=()=>t(pt());return window.addEventListener(`hashchange`,e),()=>window.removeEventListener(`hashchange`,e)},[]),e}var gt=Y({en:{loading:`Loading…`,retry:`Try again`,errorTitle:`Something went wrong`,networkError:`The server could not be reached. Check your connection, then try again.`,serverError:`The server could not answer this request.`,unauthorized:`Your token was refused.`},fr:{loading:`Chargement…`,retry:`Réessayer`,errorTitle:`Une erreur est survenue`,networkError:`Le serveur est injoignable. Vérifiez votre connexion, puis réessayez.`,serverError:`Le serveur n’a pas pu répondre à cette demande.`,unauthorized:`Votre jeton a été refusé.`}});function _t({title:e,children:t}){return Q(`div`,{class:`state state-empty`,children:[Q(`p`,{class:`state-title`,children:e}),t]})}function vt({error:e,onRetry:t}){let n=X(gt),r={network:n.networkError,server:n.serverError,unauthorized:n.unauthorized,graphql:e.message}[e.kind];return Q(`div`,{class:`state state-error`,role:`alert`,children:[Q(`p`,{class:`state-title`,children:n.errorTitle}),Q(`p`,{children:r}),t&&Q(`button`,{type:`button`,onClick:t,children:n.retry})]})}var yt=Y({en:{title:`Backups`,placeholder:`Backups by group and date will be listed here.`},fr:{title:`Sauvegardes`,placeholder:`Les sauvegardes par groupe et par date seront listées ici.`}});function bt(e){let t=X(yt);return Q(`section`,{"aria-labelledby":`screen-title`,children:[Q($,{children:t.title}),Q(_t,{title:t.placeholder})]})}var xt=[{path:`backups`,messages:yt,Screen:bt}],St=Y({en:{title:`Import`,placeholder:`The import wizard will be here: choose a file, map its columns, preview, import.`},fr:{title:`Importer`,placeholder:`L’assistant d’import sera ici : choisir un fichier, associer ses colonnes, prévisualiser, importer.`}});function Ct(e){let t=X(St);return Q(`section`,{"aria-labelledby":`screen-title`,children:[Q($,{children:t.title}),Q(_t,{title:t.placeholder})]})}var wt=[{path:`import`,messages:St,Screen:Ct}],Tt=Y({en:{title:`Lists`,placeholder:`Groups and their recipients will be listed here.`},fr:{title:`Listes`,placeholder:`Les groupes et leurs destinataires seront listés ici.`}}),Et=Y({en:{title:`Jobs`,placeholder:`The history of imports and restores will be listed here.`},fr:{title:`Tâches`,placeholder:`L’historique des imports et des restaurations sera listé ici.`}});function Dt(e){let t=X(Et);return Q(`section`,{"aria-labelledby":`screen-title`,children:[Q($,{children:t.title}),Q(_t,{title:t.placeholder})]})}function Ot(e){let t=X(Tt);return Q(`section`,{"aria-labelledby":`screen-title`,children:[Q($,{children:t.title}),Q(_t,{title:t.placeholder})]})}var kt=[{path:`lists`,messages:Tt,Screen:Ot},{path:`jobs`,messages:Et,Screen:Dt}],At=Y({en:{title:`Settings`,placeholder:`Automatic backups, retention, time zone and tokens will be set here.`},fr:{title:`Réglages`,placeholder:`Les sauvegardes automatiques, la durée de conservation, le fuseau horaire et les jetons se régleront ici.`}});function jt(e){let t=X(At);return Q(`section`,{"aria-labelledby":`screen-title`,children:[Q($,{children:t.title}),Q(_t,{title:t.placeholder})]})}var Mt=[{path:`settings`,messages:At,Screen:jt}],Nt=[...xt,...wt,...kt,...Mt];function Pt(e){let t=e[0];return t===void 0?Nt[0]??null:Nt.find(e=>e.path===t)??null}function Ft(){let e=X(ut);return Q(`section`,{"aria-labelledby":`screen-title`,children:[Q($,{children:e.notFoundTitle}),Q(`p`,{children:e.notFoundText}),Q(`a`,{href:mt(Nt[0]?.path??``),children:e.notFoundLink})]})}function It({current:e}){let t=X(ut),n=ot();return Q(`nav`,{"aria-label":t.navigation,children:Q(`ul`,{children:Nt.map(t=>Q(`li`,{children:Q(`a`,{href:mt(t.path),"aria-current":t===e?`page`:void 0,children:t.messages[n].title})},t.path))})})}function Lt(e){let t=xe(!0);V(()=>{t.current?t.current=!1:(document.getElementById(`screen-title`)??document.getElementById(`content`))?.focus()},[e])}function Rt({onLocale:e,onSignOut:t}){let n=X(ut),r=ot(),i=ht(),a=Pt(i),o=Ye(st),s=a?a.messages[r].title:n.notFoundTitle;V(()=>{document.title=`${s} – ${n.appName}`},[s,n.appName]),Lt(i.join(`/`));let c=a?.Screen;return Q(b,{children:[Q(`a`,{class:`skip-link`,href:`#content`,onClick:zt,children:n.skipToContent}),Q(`header`,{class:`app-header`,children:[Q(`a`,{class:`app-name`,href:mt(Nt[0]?.path??``),children:n.appName}),o.status===`done`&&Q(`span`,{class:`account`,children:n.account(o.data.viewer.name)}),Q(ft,{onChange:e}),Q(`button`,{type:`button`,class:`secondary`,onClick:t,children:n.signOut})]}),Q(It,{current:a}),Q(`main`,{id:`content`,tabIndex:-1,children:c?Q(c,{rest:i.slice(1)}):Q(Ft,{})})]})}function zt(e){e.preventDefault(),document.getElementById(`content`)?.focus()}function Bt({reason:e,onToken:t,onLocale:n}){let r=X(ut),[i,a]=B({status:`idle`});async function o(e){e.preventDefault();let n=e.currentTarget.elements.namedItem(`token`).value.trim();if(n===``)return a({status:`empty`});a({status:`checking`});try{await new Ge(n,()=>void 0).request(st),t(n)}catch(e){let t=e instanceof J&&e.kind===`unauthorized`;a(t?{status:`refused`}:{status:`failed`,error:e})}}let s={start:null,expired:r.tokenExpired,signedOut:r.signedOut}[e],c={empty:r.tokenEmpty,refused:r.tokenRefused}[i.status];return Q(`main`,{id:`content`,class:`token-prompt`,children:[Q(ft,{onChange:n}),Q(`h1`,{children:r.tokenTitle}),s&&i.status===`idle`&&Q(`p`,{class:`notice`,role:`status`,children:s}),Q(`p`,{children:r.tokenIntro}),Q(`form`,{onSubmit:o,noValidate:!0,children:[Q(`label`,{for:`token`,children:r.tokenLabel}),Q(`input`,{id:`token`,name:`token`,type:`password`,autocomplete:`off`,spellcheck:!1,"aria-invalid":c?!0:void 0,"aria-describedby":c?`token-problem`:void 0}),c&&Q(`p`,{id:`token-problem`,class:`field-error`,role:`alert`,children:c}),i.status===`failed`&&Q(vt,{error:i.error}),Q(`button`,{type:`submit`,disabled:i.status===`checking`,children:i.status===`checking`?r.tokenChecking:r.tokenSubmit})]})]})}function Vt(){let[e,t]=B(rt),[n,r]=B(Ze),[i,a]=B(`start`);V(()=>{document.documentElement.lang=e},[e]);let o=Se(()=>n===null?null:new Ge(n,()=>{$e(),a(`expired`),r(null)}),[n]);V(()=>()=>o?.dispose(),[o]);function s(e){it(e),t(e)}function c(e){Qe(e),r(e)}function l(){$e(),a(`signedOut`),r(null)}return Q(at.Provider,{value:e,children:o===null?Q(Bt,{reason:i,onToken:c,onLocale:s}):Q(Ke.Provider,{value:o,children:Q(Rt,{onLocale:s,onSignOut:l})})})}P(Q(Vt,{}),document.getElementById(`app`));